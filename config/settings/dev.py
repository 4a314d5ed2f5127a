"""Local development: embedded defaults, debug on, a throwaway secret."""

from config.env import env_bool, env_int, env_str

from .base import *  # noqa: F403
from .base import PUBLISHED_SECRET_KEYS

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", PUBLISHED_SECRET_KEYS[0])
# The frontend's `npm run dev` signs visitors' addresses with the same default (lib/cms.ts).
FRONTEND_SHARED_SECRET = env_str("FRONTEND_SHARED_SECRET", "dev-only-frontend-shared-secret")
GRAPHQL_ENABLE_GRAPHIQL = env_bool("GRAPHQL_ENABLE_GRAPHIQL", True)
GRAPHQL_ENABLE_INTROSPECTION = env_bool("GRAPHQL_ENABLE_INTROSPECTION", True)

# Locally, a published job reaches the mail folder within a minute or two, not ten.
NOTIFICATIONS_INSTANT_WINDOW_SECONDS = env_int("NOTIFICATIONS_INSTANT_WINDOW_SECONDS", 60)
