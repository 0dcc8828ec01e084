package dev.jthreadtrace.session;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A saved trace folds where its run did, or earlier: the bound asked of a replay only lowers the saved one. */
class FoldPlanTest {
    @Test
    void aReplayTakesTheSavedBoundLoweredNeverRaised() {
        assertEquals(500, FoldPlan.forSaved(500, null, Map.of()).keepEnded(), "the run's bound");
        assertEquals(100, FoldPlan.forSaved(500, 100, Map.of()).keepEnded(), "lowered");
        assertEquals(500, FoldPlan.forSaved(500, 1000, Map.of()).keepEnded(), "never raised");
        assertEquals(-1, FoldPlan.forSaved(null, null, Map.of()).keepEnded(), "a trace from before the bound: every task kept");
        assertEquals(300, FoldPlan.forSaved(null, 300, Map.of()).keepEnded(), "which a bound asked of it lowers");
    }

    @Test
    void theModelFoldsWithTheBound() {
        assertEquals(7, new FoldPlan(7, Map.of()).newModel().folded().keepEnded());
        assertEquals(-1, FoldPlan.UNBOUNDED.newModel().folded().keepEnded());
    }
}
