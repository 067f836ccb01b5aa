# One image per deployable: docker build --build-arg PROJECT=Hub|Services|RunnerHost .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG PROJECT
WORKDIR /src
COPY . .
# The Hub serves the browser client bundled by npm (src/Hub/ClientApp); the other deployables skip it.
RUN if [ "$PROJECT" = "Hub" ]; then apt-get update -q && apt-get install -y -q nodejs npm >/dev/null \
      && cd src/Hub/ClientApp && npm ci --no-audit --no-fund && npm run build; fi
RUN dotnet publish src/${PROJECT}/LearningPlatform.${PROJECT}.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
ARG PROJECT
ENV PROJECT=${PROJECT}
# The Hub's live Python diagnostics parse (never run) learners' code with a python3 helper.
RUN if [ "$PROJECT" = "Hub" ]; then apt-get update -q && apt-get install -y -q python3-minimal >/dev/null && rm -rf /var/lib/apt/lists/*; fi
WORKDIR /app
COPY --from=build /app .
ENTRYPOINT ["sh", "-c", "exec dotnet LearningPlatform.${PROJECT}.dll"]
