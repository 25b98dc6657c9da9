# Image for deploy/k8s: code, pinned dependencies and the trained model (built here, so
# every replica serves the same model). Build: docker build -t enlist-assistant:0.1.0 .
FROM python:3.10.13-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 ENLIST_HOME=/app
WORKDIR /app
COPY requirements/constraints.txt requirements/constraints.txt
COPY pyproject.toml .
RUN pip install --no-cache-dir -c requirements/constraints.txt "rasa==3.6.21"
COPY . .
RUN pip install --no-cache-dir -c requirements/constraints.txt -e . \
    && enlist faq validate && enlist faq build && enlist train \
    && useradd --uid 10001 --no-create-home enlist && mkdir -p /var/lib/enlist var && chown enlist /var/lib/enlist var
USER 10001
EXPOSE 5005 5055
CMD ["enlist", "serve-bot"]
