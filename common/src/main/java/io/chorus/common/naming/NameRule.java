package io.chorus.common.naming;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one naming rule for users and groups (SPEC): 1 to 32 letters, digits, '_', '-' or '.',
 * unique ignoring case. ASCII only, so that "unique ignoring case" has one meaning everywhere.
 */
public final class NameRule {

    public static final String REGEX = "[A-Za-z0-9_.-]{1,32}";
    public static final String DESCRIPTION = "1 to 32 characters: letters, digits, '_', '-' or '.'";
    private static final Pattern PATTERN = Pattern.compile(REGEX);

    private NameRule() {
    }

    public static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }

    /** The key names are unique by: the same name in any case is the same name. */
    public static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
