"""Settings for the test suite: the real settings, with test-friendly environment defaults."""

import os
import tempfile

os.environ.setdefault("NETWEAVE_SECRET_KEY", "test-only-secret-key-0123456789abcdefghijklmnop")
os.environ.setdefault("NETWEAVE_DATA_DIR", tempfile.mkdtemp(prefix="netweave-test-"))
os.environ.setdefault("NETWEAVE_TASKS", "immediate")
# links never expire in tests about other things (fixtures use fixed past dates); the link
# tests set their own number of days
os.environ.setdefault("NETWEAVE_LINK_DAYS_AFTER_EVENT", "0")

from netweave.web.settings import *  # noqa: F403

# fast hashing: tests create many users; never use this outside tests
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# WhiteNoise warns (an error under -W error) when STATIC_ROOT is missing
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
