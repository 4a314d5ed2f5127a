import os

from django.core.wsgi import get_wsgi_application

from config.env import read_dev_env_file

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
read_dev_env_file()
application = get_wsgi_application()
