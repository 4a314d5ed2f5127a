#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from config.env import read_dev_env_file

    read_dev_env_file()
    from django.conf import settings
    from django.core.management import execute_from_command_line

    # The embedded defaults keep their database, cache, media and mail in VAR_DIR.
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    execute_from_command_line(sys.argv)
