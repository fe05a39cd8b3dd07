package dev.chatsync.ingest.auth;

/**
 * Spring Security's rule for request header values ({@code StrictServerWebExchangeFirewall}'s
 * default: assigned code points, no control characters except tab), checked by a loop. The default
 * runs a regular expression over the value on every read, and every request's Authorization header
 * carries a Clerk token of about a kilobyte.
 */
final class HeaderValues {

    private HeaderValues() {
    }

    static boolean allowed(String value) {
        if (value == null) {
            return true;
        }
        for (int i = 0; i < value.length(); ) {
            int codePoint = value.codePointAt(i);
            if (!Character.isDefined(codePoint) || (Character.isISOControl(codePoint) && codePoint != '\t')) {
                return false;
            }
            i += Character.charCount(codePoint);
        }
        return true;
    }
}
