# The API image: gunicorn serving the Falcon app as a non-root user.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY service ./service
COPY cypher ./cypher
RUN pip install --no-cache-dir . && useradd --create-home --uid 10001 app
USER app
EXPOSE 8000
CMD ["gunicorn", "-c", "service/ops/gunicorn_conf.py", "service.api.app:create_app()"]
