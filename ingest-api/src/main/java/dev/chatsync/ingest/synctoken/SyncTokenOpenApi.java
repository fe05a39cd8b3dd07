package dev.chatsync.ingest.synctoken;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.QueryParameter;

/**
 * Documents what {@link ReadYourWritesFilter} adds to every read under {@code /api/}: the token's
 * query parameter and header, and the response header. The filter serves reads whose controllers
 * do not declare them, so neither do their annotations.
 */
@Component
class SyncTokenOpenApi implements OpenApiCustomizer {

    private static final String TOKEN = "The syncToken of a 202: the read waits (bounded) until that write is stored.";

    @Override
    public void customise(OpenAPI openApi) {
        if (openApi.getPaths() == null) {
            return;
        }
        openApi.getPaths().forEach((path, item) -> {
            Operation get = item.getGet();
            if (path.startsWith("/api/") && get != null && get.getResponses() != null) {
                get.addParametersItem(new QueryParameter().name(ReadYourWritesFilter.TOKEN_PARAMETER).description(TOKEN)
                        .schema(new StringSchema()));
                get.addParametersItem(new HeaderParameter().name(ReadYourWritesFilter.TOKEN_HEADER)
                        .description(TOKEN + " Used when the query parameter is absent.").schema(new StringSchema()));
                Header consistent = new Header().schema(new BooleanSchema()).description(
                        "Only with a sync token: true when the write is stored, false when the wait's bound passed first "
                                + "(the answer may then not show it yet).");
                get.getResponses().values().forEach(response -> response.addHeaderObject(ReadYourWritesFilter.CONSISTENT_HEADER, consistent));
            }
        });
    }
}
