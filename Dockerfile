# Fogwatch: one image for web (gunicorn), worker and beat (Celery). See docs/deployment.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app

WORKDIR /app

# The code runs from /app (templates/ and static/ live beside it); `pip install .` brings the
# dependencies declared in pyproject.toml.
COPY . /app
RUN pip install . \
    && DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home-dir /app fogwatch \
    && mkdir -p /var/lib/fogwatch \
    && chown fogwatch /var/lib/fogwatch

USER fogwatch
EXPOSE 8000

CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
