package io.chorus.common.naming;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one naming rule for users and groups (SPEC): 1 to 32 letters, digits, '_', '-' or '.',
 * unique ignoring case. ASCII only, so that "unique ignoring case" has one meaning everywhere.
 * "." and ".." alone are not names: in a URL path they are dot segments, which HTTP clients and
 * proxies remove ("/groups/../members" is "/members"), so such a name could never be addressed.
 */
public final class NameRule {

    public static final int MAX_LENGTH = 32;
    public static final String REGEX = "[A-Za-z0-9_.-]{1," + MAX_LENGTH + "}";
    public static final String DESCRIPTION = "1 to 32 characters: letters, digits, '_', '-' or '.' (not '.' or '..' alone)";
    private static final Pattern PATTERN = Pattern.compile(REGEX);

    private NameRule() {
    }

    public static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    /** The key names are unique by: the same name in any case is the same name. */
    public static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
