package dev.jthreadtrace.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The thread headers of a HotSpot {@code Thread.print} dump, read line by line: one parser for the
 * agent (its own JVM's dump at shutdown, {@link VmThreads}) and the tool ({@code jvm.ThreadDump},
 * a dump read through attach). Only headers are kept, never stacks.
 *
 * <p>A Java thread's header is its name between quotes, then {@code #ID [NID]} (JDK 19+) or
 * {@code #ID [daemon ]prio=N ... nid=0xHEX} (older JDKs); a thread of the VM itself (GC, VM Thread,
 * compiler queues...) has no {@code #ID}: {@code "NAME" os_prio=N ... nid=NID}. The JVM prints a
 * Java name's characters raw, so a name may hold a line break, a quote, or a whole forged header.
 * A header is therefore read as a block, from a line that starts with a quote up to the thread's
 * {@code java.lang.Thread.State:} line (a blank line or a stack frame ends it too), and matched
 * greedily: the real {@code " #ID [NID] } is the last on the block. A name can still cut its own
 * block short with a forged state line or blank line; then two headers claim one tid, and that
 * tid gets no header at all ({@link #ambiguous()}) rather than a name another thread chose. No
 * regular expressions: {@code java.util.regex} builds its character classes with lambdas, and the
 * agent runs this in JVMs that may never have started {@code java.lang.invoke}.
 */
public final class DumpHeaders {
    /** One thread of the dump; {@code javaId} {@link #NO_JAVA_ID} for a thread of the VM itself, which is not a Java thread. */
    public record Header(String name, long javaId, int tid, boolean daemon) {
        public boolean javaThread() {
            return javaId != NO_JAVA_ID;
        }
    }

    public static final long NO_JAVA_ID = -1;
    /** A header block longer than this many chars (a name of that size) is skipped: its thread keeps its kernel name. */
    public static final int MAX_BLOCK = 1 << 20;
    private static final String STATE_LINE = "   java.lang.Thread.State:";

    private final int maxThreads;
    private final StringBuilder block = new StringBuilder();
    private boolean inBlock, blockTooLong;
    /** Headers by tid, in dump order. */
    private final Map<Integer, Header> byTid = new LinkedHashMap<>();
    private final Set<Integer> ambiguous = new TreeSet<>();
    private int tooLong, overflow;
    /** Header blocks ended so far, and the last one's header (null: too long, or no header). */
    private int blocks;
    private Header lastBlock;

    /** Keeps at most {@code maxThreads} headers; more than the JVM's threads can be only forged ones. */
    public DumpHeaders(int maxThreads) {
        this.maxThreads = maxThreads;
    }

    /** The headers of a whole dump held in memory (the agent's, through the JVM's own diagnostic command). */
    public static DumpHeaders parse(String dump, int maxThreads) {
        DumpHeaders headers = new DumpHeaders(maxThreads);
        int from = 0;
        while (from <= dump.length()) {
            int end = dump.indexOf('\n', from);
            if (end < 0) end = dump.length();
            int first = from < end ? dump.charAt(from) : -1;
            headers.line(headers.needsText(first) ? dump.substring(from, end) : null, first);
            from = end + 1;
        }
        headers.end();
        return headers;
    }

    /** Whether {@link #line} reads the text of a line that starts with {@code first}: only one that may be part of a header. */
    public boolean needsText(int first) {
        return inBlock || first == '"';
    }

    /**
     * The next line, without its line break: {@code first} is its first char (-1 when it is empty);
     * {@code text} may be null when {@link #needsText} said no, or when the line was too long to keep.
     */
    public void line(String text, int first) {
        if (inBlock && (first < 0 || first == '\t' || text != null && text.startsWith(STATE_LINE))) {
            endBlock();
            return;
        }
        if (!inBlock && first != '"') return;
        inBlock = true;
        if (text == null || blockTooLong || block.length() + text.length() + 1 > MAX_BLOCK) {
            blockTooLong = true;
            block.setLength(0);
            return;
        }
        if (!block.isEmpty()) block.append('\n');
        block.append(text);
    }

    /** The end of the dump: a header still open is read. */
    public void end() {
        endBlock();
    }

    /** Whether the last line was part of a header block still open. */
    public boolean inBlock() {
        return inBlock;
    }

    /** Header blocks ended so far: a reader of the lines after each header counts them. */
    public int blocks() {
        return blocks;
    }

    /** The header of the last block that ended: null when it was too long or no header. */
    public Header lastBlock() {
        return lastBlock;
    }

    /** One header per tid, in dump order. */
    public List<Header> headers() {
        return new ArrayList<>(byTid.values());
    }

    /** Tids that more than one header claimed (a name forged a header): none of those headers counts. */
    public Set<Integer> ambiguous() {
        return ambiguous;
    }

    /** Header blocks skipped as longer than {@link #MAX_BLOCK}. */
    public int tooLong() {
        return tooLong;
    }

    /** Headers past the first {@code maxThreads}, not kept. */
    public int overflow() {
        return overflow;
    }

    private void endBlock() {
        if (!inBlock) return;
        inBlock = false;
        blocks++;
        lastBlock = null;
        if (blockTooLong) {
            tooLong++;
        } else {
            lastBlock = header(block.toString());
            add(lastBlock);
        }
        blockTooLong = false;
        block.setLength(0);
    }

    private void add(Header h) {
        if (h == null || ambiguous.contains(h.tid())) return;
        if (byTid.containsKey(h.tid())) {
            byTid.remove(h.tid());
            ambiguous.add(h.tid());
        } else if (byTid.size() < maxThreads) {
            byTid.put(h.tid(), h);
        } else {
            overflow++;
        }
    }

    /** A header whose numbers are past their range: no header at all. */
    private static final Header INVALID = new Header("", NO_JAVA_ID, 0, false);

    /**
     * The header of one block (which starts with a quote), or null when it is none: the last match
     * wins, as a greedy pattern's ({@code ^"(.*)" #(\d+) \[(\d+)\] (daemon )?}, then the older and
     * the VM's forms).
     */
    static Header header(String b) {
        Header h = javaHeader(b);
        if (h == null) h = oldJavaHeader(b);
        if (h == null) h = vmHeader(b);
        return h == INVALID ? null : h;
    }

    /** {@code "NAME" #ID [NID] [daemon ]}: JDK 19 and later. */
    private static Header javaHeader(String b) {
        for (int q = b.lastIndexOf("\" #"); q > 0; q = b.lastIndexOf("\" #", q - 1)) {
            int id = q + 3, idEnd = digits(b, id);
            if (idEnd == id || !b.startsWith(" [", idEnd)) continue;
            int tid = idEnd + 2, tidEnd = digits(b, tid);
            if (tidEnd == tid || !b.startsWith("] ", tidEnd)) continue;
            return of(b.substring(1, q), b.substring(id, idEnd), b.substring(tid, tidEnd), 10, b.startsWith("daemon ", tidEnd + 2));
        }
        return null;
    }

    /** {@code "NAME" #ID [daemon ]prio=N ... nid=0xHEX }: before JDK 19 (the nid on the header's line). */
    private static Header oldJavaHeader(String b) {
        for (int q = b.lastIndexOf("\" #"); q > 0; q = b.lastIndexOf("\" #", q - 1)) {
            int id = q + 3, idEnd = digits(b, id);
            if (idEnd == id || idEnd >= b.length() || b.charAt(idEnd) != ' ') continue;
            boolean daemon = b.startsWith("daemon ", idEnd + 1);
            int prio = idEnd + 1 + (daemon ? 7 : 0);
            if (!b.startsWith("prio=", prio)) continue;
            int prioEnd = digits(b, prio + 5);
            if (prioEnd == prio + 5 || prioEnd >= b.length() || b.charAt(prioEnd) != ' ') continue;
            String nid = lastNid(b, prioEnd + 1, "0x", true);
            if (nid != null) return of(b.substring(1, q), b.substring(id, idEnd), nid, 16, daemon);
        }
        return null;
    }

    /** {@code "NAME" os_prio=N ... nid=NID}: a thread of the VM itself (decimal since JDK 19, {@code 0x} hex before). */
    private static Header vmHeader(String b) {
        for (int q = b.lastIndexOf("\" os_prio="); q > 0; q = b.lastIndexOf("\" os_prio=", q - 1)) {
            String nid = lastNid(b, q, "0x", false);
            boolean hex = nid != null;
            if (nid == null) nid = lastNid(b, q, "", false);
            if (nid != null) return of(b.substring(1, q), null, nid, hex ? 16 : 10, false);
        }
        return null;
    }

    /**
     * The last {@code " nid=" + prefix + DIGITS} on the line that holds {@code from}, starting at or
     * after it, followed by a space ({@code spaceAfter}) or by a space or the line's end; its digits.
     */
    private static String lastNid(String b, int from, String prefix, boolean spaceAfter) {
        int lineEnd = b.indexOf('\n', from);
        if (lineEnd < 0) lineEnd = b.length();
        String key = " nid=" + prefix;
        for (int k = b.lastIndexOf(key, lineEnd - key.length()); k >= from; k = b.lastIndexOf(key, k - 1)) {
            int start = k + key.length(), end = prefix.isEmpty() ? digits(b, start) : hexDigits(b, start);
            if (end == start || end > lineEnd) continue;
            if (end < lineEnd ? b.charAt(end) == ' ' : !spaceAfter) return b.substring(start, end);
        }
        return null;
    }

    private static Header of(String name, String id, String tid, int radix, boolean daemon) {
        try {
            return new Header(name, id == null ? NO_JAVA_ID : Long.parseLong(id), Integer.parseInt(tid, radix), daemon);
        } catch (NumberFormatException e) {
            return INVALID; // digits past the range: not a header after all
        }
    }

    private static int digits(String b, int from) {
        int i = from;
        while (i < b.length() && b.charAt(i) >= '0' && b.charAt(i) <= '9') i++;
        return i;
    }

    private static int hexDigits(String b, int from) {
        int i = from;
        while (i < b.length() && Character.digit(b.charAt(i), 16) >= 0 && b.charAt(i) < 0x80) i++;
        return i;
    }
}
