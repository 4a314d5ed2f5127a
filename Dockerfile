# The one image for web (gunicorn), worker and beat (Celery): see docker-compose.yml and
# docs/deploy.md.

# The reference frontend's trusted GraphQL documents (its codegen's manifest), published by the
# `migrate` one-off (manage.py publish_trusted_documents): built from the same commit as the
# frontend image, so the two always agree.
FROM node:22-bookworm-slim AS documents
WORKDIR /repo/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY schema.graphql /repo/schema.graphql
COPY frontend/ ./
RUN npm run codegen

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    VAR_DIR=/data/var \
    MEDIA_ROOT=/data/media \
    STATIC_ROOT=/app/staticfiles \
    PYTHONPATH=/app

# Optional dependency groups to install, e.g. --build-arg EXTRAS=bench for locust.
ARG EXTRAS=""

WORKDIR /app
RUN groupadd --system app && useradd --system --gid app --home /app app \
    && mkdir -p /data/var /data/media \
    && chown -R app:app /data

# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml README.md ./
RUN mkdir -p config content cms notifications \
    && touch config/__init__.py content/__init__.py cms/__init__.py notifications/__init__.py \
    && pip install ".${EXTRAS:+[$EXTRAS]}" \
    && pip uninstall --yes academic-jobs-cms

COPY . .
COPY --from=documents /repo/frontend/src/gql/persisted-documents.json /app/trusted-documents.json
# Static files are part of the image (served by WhiteNoise); the secret is a build-time dummy.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input -v 0

USER app
EXPOSE 8000
VOLUME ["/data"]

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"

# gunicorn.conf.py: ASGI workers that slow clients cannot hold; WEB_CONCURRENCY sets how many.
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
