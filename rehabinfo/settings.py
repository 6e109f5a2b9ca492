"""Settings for Rehabinfo: one module, configured by environment variables.

With no environment set it runs on the embedded default (SQLite under
``var/``, in-process cache, DEBUG on). Production sets ``DJANGO_DEBUG=0``,
``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS``, ``DATABASE_URL`` and
``REDIS_URL``; see the README's "Configuration" table.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers as default_cors_headers
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = env_bool("DJANGO_DEBUG", True)

# The development key is public; DEBUG off refuses it rather than run insecurely.
DEVELOPMENT_SECRET_KEY = "django-insecure-rehabinfo-local-development-only"
# DJANGO_SECRET_KEY_FILE suits secret stores that mount files (and `make serve`).
SECRET_KEY_FILE = os.environ.get("DJANGO_SECRET_KEY_FILE", "")
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (
    Path(SECRET_KEY_FILE).read_text().strip()
    if SECRET_KEY_FILE
    else DEVELOPMENT_SECRET_KEY
)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off."
    )

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver" if DEBUG else ""
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin with a site that asks for a second factor (staff/).
    "staff.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # /sitemap.xml of the reader pages (pages/sitemaps.py).
    "django.contrib.sitemaps",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "simple_history",
    # Hashing and storage of partner API keys (partners.models.PartnerAPIKey).
    "rest_framework_api_key",
    # Locks the admin login after repeated failures.
    "axes",
    # Second factor for staff: authenticator apps (TOTP) and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "content",
    "api",
    "staff.apps.StaffConfig",
    # Reader pages, sitemap, Markdown twins, llms.txt and oEmbed at the root.
    "pages",
    # Partners sign in to see their usage and keys, and to rotate a key.
    "partners",
    # FAQ widgets for partner sites: the iframe page and faqs.js (/embed/v1/).
    "embed",
    # Public representations rendered at publish time and served as bytes.
    "publishing",
    # The change feed and the snapshot (feed/): what the public saw change.
    "feed",
    # Background work (Django's tasks framework; worker: manage.py db_worker,
    # docs/tasks.md).
    "django_tasks",
    "django_tasks_db",
    # Signed webhooks to partners' endpoints, sent from an outbox by the worker.
    "webhooks",
]

MIDDLEWARE = [
    "rehabinfo.middleware.RequestLogMiddleware",
    "rehabinfo.middleware.HeadBodyRemovalMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Above the response cache, so that hits carry it as misses do.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, with the site's policy built once (rehabinfo/middleware.py).
    "rehabinfo.middleware.ContentSecurityPolicyMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "rehabinfo.middleware.RequestSizeLimitMiddleware",
    "api.middleware.VersionLifecycleMiddleware",
    "api.response_cache.ResponseCacheMiddleware",
    "rehabinfo.middleware.DatabaseOutageMiddleware",
    # Fresh stored documents, before the session, auth, CSRF and DRF work.
    "publishing.serving.StoredDocumentMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks the user verified once the session has passed a second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Admin dates and times in the editor's own time zone (stored in UTC).
    "rehabinfo.timezones.EditorTimeZoneMiddleware",
    # Records which admin user made each change in the history tables.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into its 429 response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rehabinfo.urls"
WSGI_APPLICATION = "rehabinfo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Site-wide overrides of other apps' templates (the admin's base page):
        # app template folders come after Django's admin, so they cannot.
        "DIRS": [BASE_DIR / "rehabinfo" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_from_url(url: str) -> dict:
    database = dj_database_url.parse(
        url,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    if database["ENGINE"] == "django.db.backends.postgresql":
        # An unreachable database must fail fast (a 503), not hang the worker.
        database.setdefault("OPTIONS", {})["connect_timeout"] = env_int(
            "DATABASE_CONNECT_TIMEOUT", 2
        )
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # The web server and the task worker write the same file: a
        # transaction takes the write lock when it begins, so the other waits
        # for it instead of failing with "database is locked".
        database.setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    return database


# The embedded default keeps its SQLite file in the git-ignored var/ folder.
LOCAL_DATA_DIR = BASE_DIR / "var"
DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL")
        or f"sqlite:///{LOCAL_DATA_DIR / 'rehabinfo.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    LOCAL_DATA_DIR.mkdir(exist_ok=True)

# Optional read replica: public API reads go there (rehabinfo/db_router.py).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **database_from_url(DATABASE_REPLICA_URL),
        # Tests read the replica alias through the primary's test database.
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["rehabinfo.db_router.PrimaryReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("api.response_cache.ResponseCacheMiddleware") + 1,
        "rehabinfo.db_router.ReplicaReadsMiddleware",
    )

REDIS_URL = os.environ.get("REDIS_URL", "")
# Every use of Redis goes through one circuit breaker (rehabinfo/cache.py):
# after a failure it is left alone this long, and each call waits at most
# these timeouts, so a hung Redis costs one short wait per worker per interval.
REDIS_CONNECT_TIMEOUT = env_float("REDIS_CONNECT_TIMEOUT", 0.25)
REDIS_SOCKET_TIMEOUT = env_float("REDIS_SOCKET_TIMEOUT", 0.25)
REDIS_RETRY_AFTER = env_float("REDIS_RETRY_AFTER", 10)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "rehabinfo.cache.BreakerRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "rehabinfo",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": REDIS_CONNECT_TIMEOUT,
                "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
    # Rate-limit counters: the same Redis behind the same breaker, under an
    # alias of their own that tests can point at a database of their own.
    CACHES["throttle"] = CACHES["default"]
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "throttle": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "throttle",
        },
    }

AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out login before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "var" / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Outside DEBUG, `collectstatic` writes hashed, compressed copies that
    # whitenoise serves as immutable; DEBUG serves the sources as they are.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
if not DEBUG:
    # Collected static files (admin, API docs) with far-future headers, no CDN
    # rule needed; in DEBUG, runserver serves the sources itself.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )
# Larger bodies are refused unread (413); no endpoint or admin form needs more.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("REQUEST_MAX_BODY_BYTES", 1024 * 1024)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# The admin lives at a configurable path so it is not where scanners look first.
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin/").strip("/") + "/"

# Second factor (staff/): staff who can publish or review medical content, and
# superusers, confirm each admin sign-in with an authenticator app code or a
# recovery code. On in production; off by default under DEBUG, so the local
# `editor` account of `make run` signs in with its password alone.
ADMIN_MFA_REQUIRED = env_bool("ADMIN_MFA_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = "Rehabinfo"
# Device secrets never show in the admin: a lost device is deleted, not read.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Wrong codes are recorded with failed sign-ins (django-axes), masked like
# passwords: a mistyped recovery code is most of a valid one.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]

# Security: strict by default outside DEBUG, each knob overridable for a proxy setup.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https")
    if env_bool("DJANGO_BEHIND_TLS_PROXY", False)
    else None
)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# For HTML pages: the admin, the API docs (ReDoc runs a blob: worker) and
# error pages. Embed widget pages send their own, stricter policy with the
# partner's frame-ancestors, which this middleware leaves in place.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        # The admin and Swagger UI set inline style attributes.
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    }
}

# Addresses: how many proxies (CDN, load balancer) add to X-Forwarded-For in
# front of the app. 0 trusts no header: the socket address is the client.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)

# Admin login lockout (django-axes): repeated failures for one username from
# one address lock that pair out for a while; other editors are unaffected.
AXES_FAILURE_LIMIT = env_int("ADMIN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("ADMIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # lockouts are still logged as warnings
AXES_CLIENT_IP_CALLABLE = "api.throttling.client_address"
SILENCED_SYSTEM_CHECKS = env_list("DJANGO_SILENCED_SYSTEM_CHECKS")

# JSON lines in production (one per request from rehabinfo.middleware), text in DEBUG.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "rehabinfo.logs.JSONLogFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {
        "redact_keys": {"()": "rehabinfo.logs.RedactKeysFilter"},
        "warning_without_traceback": {"()": "rehabinfo.logs.WarningWithoutTraceback"},
        "skip_service_unavailable": {"()": "rehabinfo.logs.SkipServiceUnavailable"},
    },
    "handlers": {
        "console": {
            # Lines are written by a thread of their own (rehabinfo/logs.py).
            "class": "rehabinfo.logs.BackgroundStreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["redact_keys"],
        },
    },
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
    },
    "loggers": {
        # Django's own request warnings would repeat the access line, and its
        # line for each 503 the outage's own (one per interval).
        "django.request": {
            "level": "ERROR",
            "filters": ["skip_service_unavailable"],
        },
        # A bad Host header is a client's mistake or a scanner, not our error.
        "django.security.DisallowedHost": {
            "filters": ["warning_without_traceback"],
        },
    },
}

# Public API ---------------------------------------------------------------
API_RENDERERS = ["rest_framework.renderers.JSONRenderer"]
if DEBUG:  # The browsable API is a development aid; production speaks JSON only.
    API_RENDERERS.append("rest_framework.renderers.BrowsableAPIRenderer")

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": API_RENDERERS,
    "DEFAULT_PARSER_CLASSES": ["api.parsers.DepthLimitedJSONParser"],
    # Optional partner keys (X-Api-Key); keyless requests stay anonymous.
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.PartnerKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.StrictLimitOffsetPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "api.filtering.StrictOrderingFilter",
    ],
    # Keyed requests get their partner's tier (PARTNER_RATE_TIERS), keyless ones
    # the anonymous rate by address. The throttle counts in the "throttle"
    # cache: Redis, shared by all workers, when REDIS_URL is set.
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PartnerRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "120/minute")},
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    # Representations are chosen by the Accept header only.
    "URL_FORMAT_OVERRIDE": None,
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}

# Ready-to-send public responses in the shared cache (api/response_cache.py).
RESPONSE_CACHE_ENABLED = env_bool("RESPONSE_CACHE_ENABLED", True)
RESPONSE_CACHE_MAX_BYTES = env_int("RESPONSE_CACHE_MAX_BYTES", 512 * 1024)
RESPONSE_CACHE_TIMEOUT = env_int("RESPONSE_CACHE_TIMEOUT", 24 * 3600)
# Published documents (publishing/) are rendered again on the first read this
# long after their last rendering: the bound on how long a write that skips
# Django's signals (QuerySet.update(), SQL) can leave old words served. The
# same as a CDN's s-maxage, which bounds every change anyway.
DOCUMENT_RECHECK_SECONDS = env_int("DOCUMENT_RECHECK_SECONDS", 300)
# The change feed (feed/) compares every item with what it last recorded on
# its first read this long after the last such pass: the bound on how long a
# write that skips signals stays out of the feed (docs/feed.md).
FEED_FULL_RECONCILE_SECONDS = env_int("FEED_FULL_RECONCILE_SECONDS", 300)
# How long the change feed keeps its entries, and so how long a cursor stays
# valid (feed/cursors.py); `manage.py prune` drops older entries.
FEED_RETENTION_DAYS = env_int("FEED_RETENTION_DAYS", 90)

# Freshness of public GET responses, for browsers/apps and for CDNs.
API_CACHE_MAX_AGE = env_int("API_CACHE_MAX_AGE", 60)
API_CACHE_S_MAXAGE = env_int("API_CACHE_S_MAXAGE", 300)
# CDN purge by surrogate key after each change (publishing/purge.py): POSTed
# to CDN_PURGE_URL when it is set, else only logged. CDN_PURGER names any
# class with a purge(keys) method.
CDN_PURGE_URL = os.environ.get("CDN_PURGE_URL", "")
CDN_PURGE_TOKEN = os.environ.get("CDN_PURGE_TOKEN", "")
CDN_PURGE_TIMEOUT = env_float("CDN_PURGE_TIMEOUT", 5)
CDN_PURGER = os.environ.get(
    "CDN_PURGER",
    "publishing.purge.HTTPPurger"
    if CDN_PURGE_URL
    else "publishing.purge.LoggingPurger",
)
# Origin of canonical addresses (canonical_url fields, reader pages, JSON-LD),
# e.g. https://rehabinfo.org; blank
# means the host of the request.
API_CANONICAL_ORIGIN = os.environ.get("API_CANONICAL_ORIGIN", "").rstrip("/")
# Where the embed widgets' "information from Rehabinfo" credit and the admin's
# "View site" link to; blank means the item's reader page (and the home page).
PUBLIC_SITE_URL = os.environ.get("PUBLIC_SITE_URL", "")
# Set when v1 is retired: ISO dates announced in Deprecation and Sunset headers.
API_V1_DEPRECATED_ON = os.environ.get("API_V1_DEPRECATED_ON", "")
API_V1_SUNSET_ON = os.environ.get("API_V1_SUNSET_ON", "")
# Rate of each partner tier (partners.models.RateTier), DRF rate syntax; None: no limit.
PARTNER_RATE_TIERS = {
    "standard": os.environ.get("API_PARTNER_RATE_STANDARD", "600/minute"),
    "high": os.environ.get("API_PARTNER_RATE_HIGH", "3000/minute"),
    "unlimited": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Rehabinfo API",
    "DESCRIPTION": (
        "Plain-language, medically reviewed information about addiction "
        "treatment. Read-only; anonymous, or with a partner key in the "
        "optional X-Api-Key header. Errors are RFC 9457 problem "
        "details (application/problem+json). Responses carry ETag and "
        "Last-Modified; send If-None-Match or If-Modified-Since for a 304."
    ),
    "VERSION": "1.0.0",
    # 3.1: nullability is a JSON Schema type (`[string, "null"]`), which typed
    # client generators and validators read without vendor rules.
    "OAS_VERSION": "3.1.0",
    "CONTACT": {
        "name": "Rehabinfo editorial team",
        "url": "https://api.rehabinfo.example/",
        "email": "api@rehabinfo.example",
    },
    "SERVERS": [
        {"url": "https://api.rehabinfo.example", "description": "Production"},
        {"url": "http://127.0.0.1:8000", "description": "Local (make run)"},
    ],
    "TAGS": [
        {"name": "root", "description": "Links to every collection."},
        {"name": "topics", "description": "Subject pages."},
        {"name": "comparisons", "description": "Comparisons and the decision helper."},
        {"name": "faqs", "description": "Questions and answers."},
        {"name": "resources", "description": "Where to get help."},
        {"name": "search", "description": "Search across topics, comparisons, FAQs."},
        {
            "name": "changes",
            "description": "The change feed and the snapshot: keep a copy in sync.",
        },
        {
            "name": "preview",
            "description": "Signed previews of unpublished drafts and revisions.",
        },
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.v1.schema.non_empty_query_strings",
        "api.v1.schema.http_semantics",
    ],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RegionEnum": "content.models.Region",
        "AssessmentAnswerEnum": "content.assessment.ALLOWED_ANSWERS",
        "SchemaOrgReviewerTypeEnum": ["Organization", "Person"],
        # The feed's kind and type keep these two names as they were.
        "KindEnum": "content.models.resource.ResourceKind",
        "TypeEnum": ["topic", "comparison", "faq"],
        "DocumentKindEnum": "api.v1.serializers.DOCUMENT_KINDS",
        "ChangeTypeEnum": "api.v1.serializers.CHANGE_TYPES",
    },
}

# CORS: any site may read the public API (and post assessment answers, which
# are never stored); no credentials are involved.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS", "POST"]
CORS_ALLOW_HEADERS = [*default_cors_headers, "x-api-key"]
# What browser clients may read: the validators, when to retry, the request id
# to quote in a report, and the version lifecycle.
CORS_EXPOSE_HEADERS = [
    "ETag",
    "Last-Modified",
    "Retry-After",
    "X-Request-ID",
    "Deprecation",
    "Sunset",
]

# Background tasks (django-tasks): queued in the database, run by
# `manage.py db_worker`, which `make run` and `make serve` start beside the
# web server (docs/tasks.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Finished task results older than this are deleted by `manage.py prune`.
TASK_RESULT_RETENTION_DAYS = env_int("TASK_RESULT_RETENTION_DAYS", 14)

# Webhooks (webhooks/, docs/webhooks.md) -----------------------------------
# Endpoints and delivery targets on private, loopback, link-local, multicast
# or reserved addresses are refused (SSRF), except in the networks listed.
WEBHOOKS_REFUSE_PRIVATE_ADDRESSES = env_bool(
    "WEBHOOKS_REFUSE_PRIVATE_ADDRESSES", not DEBUG
)
WEBHOOKS_ALLOWED_NETWORKS = env_list("WEBHOOKS_ALLOWED_NETWORKS")
# Seconds to connect to a receiver and to wait for each read of its answer.
WEBHOOKS_TIMEOUT_SECONDS = env_float("WEBHOOKS_TIMEOUT_SECONDS", 5)
# Delivered and given-up deliveries older than this are deleted by
# `manage.py prune`; the admin's delivery log shows this far back.
WEBHOOKS_DELIVERY_RETENTION_DAYS = env_int("WEBHOOKS_DELIVERY_RETENTION_DAYS", 30)

# Benchmark ----------------------------------------------------------------
# Mounts bench/'s reference views under /bench/ for `make bench`; never in
# production.
BENCHMARK_VIEWS = env_bool("BENCHMARK_VIEWS", False)
