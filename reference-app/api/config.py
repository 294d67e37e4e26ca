"""Read and check the app's configuration once, at start-up."""
import os
import time

DEFAULTS = {
    "BUILD_ID": "dev",
    "APP_VERSION": "1.0.0",
    "TOKEN_TTL_SECONDS": 3600,
    "CORS_ORIGINS": "",
    "FAULTS": "",
    "ADMIN_EMAIL": "",
    "ADMIN_PASSWORD": "",
    "DB_POOL_MAX": 4,
    # Tests swap the clock to expire tokens without sleeping.
    "CLOCK": time.time,
    "MAX_CONTENT_LENGTH": 1024 * 1024,
}

ENV_KEYS = (
    "DATABASE_URL",
    "SECRET_KEY",
    "ADMIN_EMAIL",
    "ADMIN_PASSWORD",
    "BUILD_ID",
    "APP_VERSION",
    "TOKEN_TTL_SECONDS",
    "CORS_ORIGINS",
    "FAULTS",
)

REQUIRED = {
    "DATABASE_URL": "set it to postgresql://user:password@host:5432/dbname",
    "SECRET_KEY": "set it to a long random string; it signs bearer tokens",
}


def load(test_config=None, environ=None):
    """Return the configuration from the environment, or from test_config when given."""
    config = dict(DEFAULTS)
    if test_config is None:
        environ = os.environ if environ is None else environ
        config.update({k: environ[k] for k in ENV_KEYS if environ.get(k, "") != ""})
    else:
        config.update(test_config)

    problems = [
        f"{key} is not set: {hint}" for key, hint in REQUIRED.items() if not str(config.get(key) or "").strip()
    ]
    try:
        ttl = int(config["TOKEN_TTL_SECONDS"])
        if ttl < 1:
            raise ValueError
        config["TOKEN_TTL_SECONDS"] = ttl
    except (TypeError, ValueError):
        problems.append(
            f"TOKEN_TTL_SECONDS must be a whole number of seconds >= 1, got {config['TOKEN_TTL_SECONDS']!r}"
        )
    if bool(config["ADMIN_EMAIL"]) != bool(config["ADMIN_PASSWORD"]):
        problems.append("ADMIN_EMAIL and ADMIN_PASSWORD must be set together (or both left unset)")
    if config["ADMIN_EMAIL"] and "@" not in str(config["ADMIN_EMAIL"]):
        problems.append(f"ADMIN_EMAIL must be an email address, got {config['ADMIN_EMAIL']!r}")
    if problems:
        raise RuntimeError("TagTrust API configuration is invalid:\n  " + "\n  ".join(problems))

    config["CORS_ORIGINS"] = _split(config["CORS_ORIGINS"])
    config["ADMIN_EMAIL"] = str(config["ADMIN_EMAIL"]).strip().lower()
    return config


def _split(value):
    if isinstance(value, (list, tuple, set, frozenset)):
        return frozenset(str(v).strip().rstrip("/") for v in value if str(v).strip())
    return frozenset(v.strip().rstrip("/") for v in str(value or "").split(",") if v.strip())
