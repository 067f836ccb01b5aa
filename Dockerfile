# One image per deployable: docker build --build-arg PROJECT=Hub|Services|RunnerHost .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG PROJECT
WORKDIR /src
COPY . .
RUN dotnet publish src/${PROJECT}/LearningPlatform.${PROJECT}.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
ARG PROJECT
ENV PROJECT=${PROJECT}
WORKDIR /app
COPY --from=build /app .
ENTRYPOINT ["sh", "-c", "exec dotnet LearningPlatform.${PROJECT}.dll"]
