package dev.jthreadtrace.model;

/**
 * Folded tasks that one report row stands for: same creator, same name shape
 * ({@link NameShape}: {@code worker-17} and {@code worker-4012} are {@code worker-#}), same kind of
 * end. The row reads "N ended threads like NAME folded, tids A..B": {@link #sampleName} is the
 * first folded task's name, the figures the group's sums.
 */
public final class FoldedGroup {
    /**
     * What groups tasks. The creator is its tid and its start (tids are reused: two creators with
     * one tid are two rows); 0 and 0 for a task with no creator.
     */
    public record Key(int creator, long creatorStart, String nameShape, String exitKind) {
        static Key of(ThreadInfo t) {
            ThreadInfo c = t.creatorInfo();
            return new Key(t.creator() == null ? 0 : t.creator(), c == null ? 0 : c.start(),
                    NameShape.of(t.name()), t.exit() == null ? "running" : t.exit().kind());
        }
    }

    private final Key key;
    private final String sampleName;
    private final FoldedFigures figures = new FoldedFigures();

    FoldedGroup(Key key, String sampleName) {
        this.key = key;
        this.sampleName = sampleName;
    }

    public Key key() {
        return key;
    }

    public String sampleName() {
        return sampleName;
    }

    public FoldedFigures figures() {
        return figures;
    }
}
