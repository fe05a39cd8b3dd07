package dev.chatsync.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A chat front end as the tests see it: dev tokens, POST/GET/DELETE on /api/messages, the revisions, the changes feed, export, import, account deletion, JSON. */
final class ChatClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI api;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ChatClient(URI api) {
        this.api = api;
    }

    String token(String userId) {
        Response response = send(HttpRequest.newBuilder(api.resolve("/dev/tokens"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("userId", userId)))));
        if (response.status() != 200) {
            throw new IllegalStateException("no token for " + userId + ": " + response);
        }
        return response.json().get("token").asString();
    }

    Response post(String token, Map<String, Object> conversation) {
        return send(authorized(token, "/api/messages")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(conversation))));
    }

    Response get(String token, String query) {
        return send(authorized(token, "/api/messages" + query).GET());
    }

    /** A GET that waits for the write of {@code syncToken} (the 202's) to be readable. */
    Response get(String token, String query, String syncToken) {
        return send(authorized(token, "/api/messages" + query).header("Chat-Sync-Token", syncToken).GET());
    }

    /** A GET that sends back the ETag of the copy the client holds. */
    Response revalidate(String token, String query, String etag) {
        return send(authorized(token, "/api/messages" + query).header("If-None-Match", etag).GET());
    }

    Response usage(String token) {
        return send(authorized(token, "/api/usage").GET());
    }

    Response changes(String token, String query) {
        return send(authorized(token, "/api/changes" + query).GET());
    }

    /** A message's other versions (GET /api/messages/revisions), newest first. */
    Response revisions(String token, String conversationId, String messageId) {
        return send(authorized(token, "/api/messages/revisions?conversationId=" + URLEncoder.encode(conversationId, StandardCharsets.UTF_8)
                + "&messageId=" + URLEncoder.encode(messageId, StandardCharsets.UTF_8)).GET());
    }

    /** GET /api/export with the query ("" or "?revisions=true"). */
    Response export(String token, String query) {
        return send(authorized(token, "/api/export" + query).GET());
    }

    /** POST /api/import of a document as it was downloaded. */
    Response importDocument(String token, byte[] document) {
        return send(authorized(token, "/api/import").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(document)));
    }

    Response delete(String token, String conversationId) {
        return send(authorized(token, "/api/messages?conversationId=" + URLEncoder.encode(conversationId, StandardCharsets.UTF_8)).DELETE());
    }

    /** DELETE /api/account: the caller's account and everything of it. */
    Response deleteAccount(String token) {
        return send(authorized(token, "/api/account").DELETE());
    }

    Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest.Builder authorized(String token, String path) {
        return HttpRequest.newBuilder(api.resolve(path)).header("Authorization", "Bearer " + token);
    }

    /** A conversation body as the chat UI posts it. */
    static Map<String, Object> conversation(String conversationId, String personaId, List<Map<String, Object>> messages) {
        return Map.of("conversationId", conversationId, "personaId", personaId, "title", "Chat with " + personaId, "messages", messages);
    }

    static Map<String, Object> message(String id, String role, String content) {
        return Map.of("id", id, "role", role, "content", content);
    }

    /** A message as a device that tracks revisions sends it: with the revision its copy was read at. */
    static Map<String, Object> message(String id, String role, String content, int revision) {
        return Map.of("id", id, "role", role, "content", content, "revision", revision);
    }

    record Response(int status, HttpHeaders headers, String body) {

        /** The header's first value, or "" when it is absent. */
        String header(String name) {
            return headers.firstValue(name).orElse("");
        }

        JsonNode json() {
            return JSON.readTree(body);
        }
    }
}
