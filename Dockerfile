# Fogwatch: one image for web (gunicorn), worker and beat (Celery). See docs/deployment.md.

# The maps' npm packages and the offline basemap (package.json, package-lock.json, tools/basemap.mjs):
# built here, only what the pages serve is copied into the image.
FROM node:20-slim AS map-assets
WORKDIR /assets
COPY package.json package-lock.json .npmrc ./
COPY tools/basemap.mjs tools/
RUN npm ci --no-audit --no-fund --loglevel=error && npm run --silent basemap

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
COPY --from=map-assets /assets/build/basemap /app/build/basemap
COPY --from=map-assets /assets/node_modules/leaflet.markercluster/dist /app/node_modules/leaflet.markercluster/dist
COPY --from=map-assets /assets/node_modules/topojson-client/dist /app/node_modules/topojson-client/dist
RUN pip install . \
    && DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home-dir /app fogwatch \
    && mkdir -p /var/lib/fogwatch \
    && chown fogwatch /var/lib/fogwatch

USER fogwatch
EXPOSE 8000

CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000"]
