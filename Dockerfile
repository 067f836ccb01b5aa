# One image per deployable, with no registry but the Debian mirror: the app is published self-contained for
# linux-x64 on the host and copied in, so no .NET SDK or runtime image is pulled.
#   scripts/compose-build.sh     publishes into deploy/context/<hub|services|runner>/app, then runs docker-compose build
#   by hand: docker build -f Dockerfile --build-arg PROJECT=Hub|Services|RunnerHost deploy/context/<hub|services|runner>
# The base is debian:bookworm-slim, pulled where a registry answers, otherwise made by sandbox-images/base-image.sh.
FROM debian:bookworm-slim

# What a self-contained .NET app needs from the OS (ICU for globalization, OpenSSL, CA roots) and curl for the
# health checks. Before ARG PROJECT, so the three images share this layer. A debootstrapped base lists only the
# main archive: the security archive is added when missing (a failed fetch there only warns).
RUN set -eu; \
    if ! grep -rqs 'bookworm-security' /etc/apt/sources.list /etc/apt/sources.list.d/; then \
      echo 'deb http://deb.debian.org/debian-security bookworm-security main' >> /etc/apt/sources.list; \
    fi; \
    apt-get update -q || true; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libicu72 libssl3 ca-certificates curl; \
    apt-get clean; rm -rf /var/lib/apt/lists/* /var/cache/apt/*

ARG PROJECT
# The Hub's live Python diagnostics parse (never run) learners' code with a python3 helper (ast.parse only; it
# imports json, which python3-minimal lacks).
RUN if [ "$PROJECT" = "Hub" ]; then \
      apt-get update -q \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3 \
      && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/*; \
    fi

ENV PROJECT=${PROJECT} \
    DOTNET_RUNNING_IN_CONTAINER=true \
    DOTNET_NOLOGO=true \
    Urls=http://+:8080 \
    HEALTH_URL=http://127.0.0.1:8080/health/ready
# Hub and Services run as this user (docker-compose.yml `user:`); RunnerHost stays root for the Docker socket.
# /data is where Services keeps its LiteDB files (a named volume takes this owner when first mounted).
RUN useradd --system --uid 1654 --user-group --create-home --home-dir /home/app app \
    && mkdir -p /data && chown 1654:1654 /data
WORKDIR /app
COPY app/ /app/
# docker-compose.yml sets Urls and HEALTH_URL per service and its own health check timings.
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=3 CMD curl -fsS -o /dev/null "$HEALTH_URL" || exit 1
ENTRYPOINT ["sh", "-c", "exec /app/LearningPlatform.${PROJECT}"]
