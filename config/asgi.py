import os

from django.core.asgi import get_asgi_application

from config.env import read_dev_env_file

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
read_dev_env_file()
application = get_asgi_application()
