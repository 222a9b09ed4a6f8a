"""One JSON object per log line on stdout, for the platform's log collector."""

# Production's Django logging (settings/prod.py) and gunicorn's (config/gunicorn.py) share these,
# so that all lines parse.

FORMATTERS = {
    "json": {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    },
}
HANDLERS = {
    "console": {
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stdout",
        "formatter": "json",
    },
}
