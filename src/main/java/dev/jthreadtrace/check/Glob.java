package dev.jthreadtrace.check;

import java.util.regex.Pattern;

/** Shell-style name patterns for selectors: {@code *} any run of characters, {@code ?} one character. */
public final class Glob {
    private Glob() {}

    public static Pattern compile(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
