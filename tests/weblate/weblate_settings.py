"""Django settings of the throwaway Weblate that `make test-weblate` runs on 127.0.0.1.

Weblate's own example settings, with what a test needs instead of services:
PostgreSQL on a loopback port, Celery eager (no Redis, no worker), file caches,
database sessions, and file:// repositories allowed.
"""

import os

from weblate.settings_example import *  # noqa: F403

DATA_DIR = os.environ["SPEERPUNT_WEBLATE_DATA"]
CACHE_DIR = os.path.join(DATA_DIR, "cache")
MEDIA_ROOT = os.path.join(DATA_DIR, "media")
STATIC_ROOT = os.path.join(CACHE_DIR, "static")
DEBUG = False
SECRET_KEY = "speerpunt-weblate-test-only"  # noqa: S105 (a throwaway instance on loopback)
ALLOWED_HOSTS = ["127.0.0.1"]
SITE_DOMAIN = f"127.0.0.1:{os.environ['SPEERPUNT_WEBLATE_PORT']}"
DATABASES["default"].update(  # noqa: F405
    NAME="weblate", USER="postgres", HOST="127.0.0.1",
    PORT=os.environ["SPEERPUNT_WEBLATE_PG_PORT"], CONN_MAX_AGE=0,
)
CACHES = {
    name: {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
           "LOCATION": os.path.join(CACHE_DIR, name)}
    for name in ("default", "avatar")
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
VCS_FILE_PROTOCOL = True
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = ()  # noqa: F405
VCS_BACKENDS = ("weblate.vcs.git.GitRepository", "weblate.vcs.git.LocalRepository")
WEBLATE_MACHINERY = ()
# Passkeys need an https origin; this instance is plain http on loopback and nobody logs in.
OTP_WEBAUTHN_RP_ID = "127.0.0.1"
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "otp_webauthn.E031"]  # noqa: F405
