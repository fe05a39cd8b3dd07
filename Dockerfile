# One image recipe for both services: docker compose passes SERVICE=persister or SERVICE=ingest-api.
# Stage 1 builds the service's executable jar with the project's own Maven wrapper.
FROM eclipse-temurin:17-jdk AS build
ARG SERVICE
WORKDIR /src
# The BuildKit cache mount keeps ~/.m2 between builds, so only changed code is rebuilt.
COPY . .
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -pl ${SERVICE} -am package -DskipTests \
 && cp ${SERVICE}/target/${SERVICE}-*-exec.jar /src/app.jar

# Stage 2: a JRE and the jar, run as an unprivileged user.
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 chatsync && useradd --system --uid 10001 --gid chatsync --no-create-home chatsync
COPY --from=build /src/app.jar /app/app.jar
USER 10001:10001
# Container-aware heap; exit on OOM so the orchestrator restarts a clean JVM.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/app.jar"]
