package dev.chatsync.ingest.account;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import dev.chatsync.ingest.problem.FieldViolation;
import dev.chatsync.ingest.problem.ProblemException;
import dev.chatsync.ingest.write.StorableText;
import dev.chatsync.schemas.event.UserProfileChanged;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a verified Clerk webhook body ({@code {"type": ..., "data": {...}}}) into a {@link ClerkWebhook},
 * or a 400 naming every broken rule by its JSON path ({@code data.email_addresses[1].email_address}).
 * Clerk sends more fields than these; unknown ones are ignored. Only what a chat app shows of a user
 * is kept: display name, primary email, image URL, and Clerk's updated_at to order the versions.
 */
final class ClerkWebhookParser {

    static final String USER_CREATED = "user.created";
    static final String USER_UPDATED = "user.updated";
    static final String USER_DELETED = "user.deleted";

    // Clerk's user ids (user_2abc...), and what ConversationKey accepts: never a '/'
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final int MAX_NAME_LENGTH = 256;
    private static final int MAX_EMAIL_LENGTH = 320;
    private static final int MAX_URL_LENGTH = 2048;

    private final ObjectReader reader = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build()
            .reader();

    ClerkWebhook parse(byte[] body) {
        JsonNode root;
        try {
            root = reader.readTree(body);
        } catch (JacksonException e) {
            throw ProblemException.invalid("body", "malformed_json", "not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode() || !root.isObject()) {
            throw ProblemException.invalid("body", "type", "must be a JSON object");
        }
        JsonNode typeNode = root.get("type");
        if (typeNode == null || !typeNode.isString() || typeNode.stringValue().isBlank()) {
            throw ProblemException.invalid("type", "required", "a string naming Clerk's event type is required");
        }
        String type = typeNode.stringValue();
        if (!type.equals(USER_CREATED) && !type.equals(USER_UPDATED) && !type.equals(USER_DELETED)) {
            return new ClerkWebhook.Ignored(type);
        }
        JsonNode data = root.get("data");
        if (data == null || !data.isObject()) {
            throw ProblemException.invalid("data", "required", "an object is required for " + type);
        }
        List<FieldViolation> violations = new ArrayList<>();
        String userId = userId(data, violations);
        if (type.equals(USER_DELETED)) {
            throwIfAny(violations);
            return new ClerkWebhook.Deleted(type, userId);
        }
        UserProfileChanged profile = profile(data, violations);
        throwIfAny(violations);
        return new ClerkWebhook.ProfileChanged(type, userId, profile);
    }

    private static String userId(JsonNode data, List<FieldViolation> violations) {
        JsonNode id = data.get("id");
        if (id == null || id.isNull()) {
            violations.add(new FieldViolation("data.id", "required", "the Clerk user id is required"));
            return null;
        }
        if (!id.isString() || !USER_ID.matcher(id.stringValue()).matches()) {
            violations.add(new FieldViolation("data.id", "user_id", "must be a Clerk user id: 1 to 128 of [A-Za-z0-9_-]"));
            return null;
        }
        return id.stringValue();
    }

    /** Null when a rule is broken; the violations say which. */
    private static UserProfileChanged profile(JsonNode data, List<FieldViolation> violations) {
        String firstName = text(data, "first_name", MAX_NAME_LENGTH, violations);
        String lastName = text(data, "last_name", MAX_NAME_LENGTH, violations);
        String username = text(data, "username", MAX_NAME_LENGTH, violations);
        String imageUrl = text(data, "image_url", MAX_URL_LENGTH, violations);
        String primaryId = text(data, "primary_email_address_id", MAX_NAME_LENGTH, violations);
        String primaryEmail = primaryEmail(data, primaryId, violations);
        Instant updatedAt = null;
        JsonNode updated = data.get("updated_at");
        if (updated == null || updated.isNull()) {
            violations.add(new FieldViolation("data.updated_at", "required", "Clerk's updated_at (epoch milliseconds) is required"));
        } else if (!updated.isIntegralNumber() || !updated.canConvertToLong() || updated.longValue() < 0) {
            violations.add(new FieldViolation("data.updated_at", "epoch_millis", "must be a non-negative integer of milliseconds since the epoch"));
        } else {
            updatedAt = Instant.ofEpochMilli(updated.longValue());
        }
        return updatedAt == null ? null : new UserProfileChanged(displayName(firstName, lastName, username), primaryEmail, imageUrl, updatedAt);
    }

    private static String primaryEmail(JsonNode data, String primaryId, List<FieldViolation> violations) {
        JsonNode addresses = data.get("email_addresses");
        if (addresses == null || addresses.isNull()) {
            return null;
        }
        if (!addresses.isArray()) {
            violations.add(new FieldViolation("data.email_addresses", "type", "must be an array"));
            return null;
        }
        String primary = null;
        for (int i = 0; i < addresses.size(); i++) {
            JsonNode address = addresses.get(i);
            String path = "email_addresses[" + i + "]";
            if (!address.isObject()) {
                violations.add(new FieldViolation("data." + path, "type", "must be an object"));
                continue;
            }
            String id = text(address, path, "id", MAX_NAME_LENGTH, violations);
            String email = text(address, path, "email_address", MAX_EMAIL_LENGTH, violations);
            if (id != null && id.equals(primaryId)) {
                primary = email;
            }
        }
        return primary;
    }

    private static String text(JsonNode data, String name, int maxLength, List<FieldViolation> violations) {
        return text(data, null, name, maxLength, violations);
    }

    /** A string or null field; its path is {@code data.<parent>.<name>}. */
    private static String text(JsonNode parent, String parentPath, String name, int maxLength, List<FieldViolation> violations) {
        String path = "data." + (parentPath == null ? "" : parentPath + ".") + name;
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            violations.add(new FieldViolation(path, "type", "must be a string or null"));
            return null;
        }
        String text = node.stringValue();
        if (text.length() > maxLength) {
            violations.add(new FieldViolation(path, "max_length", "at most " + maxLength + " characters"));
            return null;
        }
        FieldViolation unstorable = StorableText.violation(path, text);
        if (unstorable != null) {
            violations.add(unstorable);
            return null;
        }
        return text;
    }

    /** First and last name as Clerk's own components show them, else the username. */
    private static String displayName(String firstName, String lastName, String username) {
        String name = ((firstName == null ? "" : firstName.strip()) + " " + (lastName == null ? "" : lastName.strip())).strip();
        if (!name.isEmpty()) {
            return name;
        }
        return username == null || username.isBlank() ? null : username;
    }

    private static void throwIfAny(List<FieldViolation> violations) {
        if (!violations.isEmpty()) {
            throw ProblemException.invalid(violations);
        }
    }
}
