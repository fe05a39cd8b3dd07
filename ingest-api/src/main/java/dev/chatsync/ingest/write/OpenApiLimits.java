package dev.chatsync.ingest.write;

import java.util.Map;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

import dev.chatsync.ingest.limits.IngestLimits;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;

/**
 * Writes the configured {@link IngestLimits} into the OpenAPI description of the POST body, so the
 * document states the bounds {@link SyncRequestParser} enforces on this instance.
 */
@Component
class OpenApiLimits implements OpenApiCustomizer {

    private final IngestLimits limits;

    OpenApiLimits(IngestLimits limits) {
        this.limits = limits;
    }

    @Override
    public void customise(OpenAPI openApi) {
        Schema<?> sync = schema(openApi, WriteController.SyncBody.class);
        property(sync, "conversationId").setMaxLength(limits.maxIdLength());
        property(sync, "personaId").setMaxLength(limits.maxIdLength());
        property(sync, "title").setMaxLength(limits.maxTitleLength());
        property(sync, "messages").setMaxItems(limits.maxMessages());
        Schema<?> message = schema(openApi, WriteController.MessageBody.class);
        property(message, "id").setMaxLength(limits.maxIdLength());
        // JSON Schema's maxLength counts characters; the limit is on the UTF-8 encoding
        property(message, "content").setDescription("1 to " + limits.maxContentBytes().toBytes() + " bytes of UTF-8, no NUL");
        String json = "parts and metadata together at most " + limits.maxPartsBytes().toBytes() + " bytes of compact JSON (UTF-8), "
                + "each nested at most " + limits.maxJsonDepth() + " deep, no NUL in any string or key";
        Schema<?> parts = property(message, "parts");
        parts.setMaxItems(limits.maxParts());
        parts.setDescription("Objects each with a string type, stored as sent; " + json);
        property(message, "metadata").setDescription("Any JSON object, stored as sent; " + json);
    }

    // A body type or field renamed without this class fails the document rather than dropping a limit.
    private static Schema<?> schema(OpenAPI openApi, Class<?> body) {
        return found(openApi.getComponents().getSchemas(), body.getSimpleName());
    }

    private static Schema<?> property(Schema<?> schema, String name) {
        return found(schema.getProperties(), name);
    }

    private static Schema<?> found(Map<String, Schema> schemas, String name) {
        Schema<?> schema = schemas == null ? null : schemas.get(name);
        if (schema == null) {
            throw new IllegalStateException("the OpenAPI description has no " + name + " to put its limit on");
        }
        return schema;
    }
}
