package dev.jthreadtrace.render;

import org.fusesource.jansi.Ansi;

/**
 * Colours for terminal output, through Jansi. {@link #PLAIN} returns text unchanged: used when
 * output is not a terminal, when {@code NO_COLOR} is set, or with {@code --color never}.
 */
public final class Palette {
    public static final Palette PLAIN = new Palette(false);
    public static final Palette COLOR = new Palette(true);
    private final boolean enabled;

    private Palette(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean enabled() {
        return enabled;
    }

    public String time(String s) {
        return enabled ? Ansi.ansi().fgBrightBlack().a(s).reset().toString() : s;
    }

    public String thread(String s) {
        return enabled ? Ansi.ansi().fgYellow().a(s).reset().toString() : s;
    }

    public String call(String s) {
        return enabled ? Ansi.ansi().fgCyan().a(s).reset().toString() : s;
    }

    public String error(String s) {
        return enabled ? Ansi.ansi().fgRed().a(s).reset().toString() : s;
    }

    public String event(String s) {
        return enabled ? Ansi.ansi().fgGreen().a(s).reset().toString() : s;
    }

    public String heading(String s) {
        return enabled ? Ansi.ansi().bold().a(s).reset().toString() : s;
    }

    public String mark(String s) {
        return enabled ? Ansi.ansi().fgMagenta().a(s).reset().toString() : s;
    }
}
