"""Where intro videos and captions live: Django's storage API, local files or S3-compatible.

In order of precedence:

1. ``STORAGES["intros"]`` in the settings, if the project defines it;
2. S3-compatible object storage (AWS S3, MinIO, Cloudflare R2, Scaleway, ...) when the
   environment names a bucket (needs ``django-storages[s3]``):

   ``NETWEAVE_S3_BUCKET``             the bucket; keep it private (no public read)
   ``NETWEAVE_S3_ENDPOINT_URL``       e.g. https://s3.eu-central-1.amazonaws.com or MinIO's URL
   ``NETWEAVE_S3_REGION``             e.g. eu-central-1
   ``NETWEAVE_S3_ACCESS_KEY_ID``      and ``NETWEAVE_S3_SECRET_ACCESS_KEY`` (else boto3's own
                                      chain: AWS_* variables, instance roles)
   ``NETWEAVE_S3_PREFIX``             folder inside the bucket (default ``intros``)

3. otherwise the default storage (local files under ``MEDIA_ROOT``, which nothing serves
   publicly).

Objects are written private and always read back through the app's permission-checking
views, never by a storage URL.
"""

from __future__ import annotations

import os
from functools import cache

from django.conf import settings
from django.core.files.storage import Storage, default_storage, storages

__all__ = ["intro_storage", "s3_options_from_env"]


def s3_options_from_env(env: dict[str, str] | None = None) -> dict[str, object] | None:
    """The ``S3Storage`` options the ``NETWEAVE_S3_*`` variables ask for, or None."""
    env = dict(os.environ if env is None else env)
    bucket = env.get("NETWEAVE_S3_BUCKET", "").strip()
    if not bucket:
        return None
    options: dict[str, object] = {
        "bucket_name": bucket,
        "location": env.get("NETWEAVE_S3_PREFIX", "intros").strip("/"),
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }
    optional = {
        "endpoint_url": "NETWEAVE_S3_ENDPOINT_URL",
        "region_name": "NETWEAVE_S3_REGION",
        "access_key": "NETWEAVE_S3_ACCESS_KEY_ID",
        "secret_key": "NETWEAVE_S3_SECRET_ACCESS_KEY",
    }
    options.update({key: env[var] for key, var in optional.items() if env.get(var)})
    return options


@cache
def _s3_storage(bucket: str) -> Storage:
    # imported here: boto3 is only loaded where object storage is really used
    from storages.backends.s3 import S3Storage  # noqa: PLC0415 - boto3, only for object storage

    return S3Storage(**s3_options_from_env())


def intro_storage() -> Storage:
    """The storage for intro media (resolved at each call, so tests can swap settings)."""
    if "intros" in settings.STORAGES:
        return storages["intros"]
    options = s3_options_from_env()
    if options is not None:
        return _s3_storage(str(options["bucket_name"]))
    return default_storage
