package dev.jthreadtrace.render;

import dev.jthreadtrace.model.FoldedGroup;
import dev.jthreadtrace.model.FoldedSamples;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FoldedRowsTest {
    @Test
    void aGroupRowSaysHowManyLikeWhomAndWhichTids() {
        List<FoldedGroup> groups = new ArrayList<>(FoldedSamples.churnFolded("worker-1", "worker-2", "w\n[1 main]-3").groups());
        assertEquals("2 ended threads like worker-1 folded, tids 3001..3002", FoldedRows.row(groups.get(0)));
        assertEquals("1 ended thread like w\\n[1 main]-3 folded, tid 3003", FoldedRows.row(groups.get(1)), "the target's name is escaped");
    }

    @Test
    void itsSpanIsFirstStartToLastEnd() {
        FoldedGroup workers = FoldedSamples.churnFolded("worker-1", "worker-2").groups().iterator().next();
        assertEquals("@10.0ms..@25.0ms, lifetime max 5.0ms", FoldedRows.span(workers));
    }
}
