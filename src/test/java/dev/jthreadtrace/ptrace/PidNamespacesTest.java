package dev.jthreadtrace.ptrace;

import dev.jthreadtrace.sys.ProcStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PidNamespacesTest {
    @Test
    void theInnermostIdIsTheLastOfNspid() {
        assertEquals(7, PidNamespaces.innermost(new ProcStatus(List.of("Pid:\t20312", "NSpid:\t20312\t7"))));
        assertEquals(3, PidNamespaces.innermost(new ProcStatus(List.of("NSpid:\t20312\t40\t3"))), "nested namespaces");
    }

    @Test
    void nestedNamespacesGiveOneIdALevelOutermostFirst() {
        assertEquals(List.of(40, 3), PidNamespaces.levels(new ProcStatus(List.of("NSpid:\t20312\t40\t3"))));
        assertEquals(List.of(7), PidNamespaces.levels(new ProcStatus(List.of("NSpid:\t20312\t7"))));
        assertEquals(List.of(), PidNamespaces.levels(new ProcStatus(List.of("NSpid:\t20312"))));
        assertEquals(List.of(), PidNamespaces.levels(new ProcStatus(List.of("NSpid:\t20312\tx"))), "not a number: none");
    }

    @Test
    void aTaskOfTheToolsOwnNamespaceOrAnUnreadableOneHasNone() {
        assertEquals(PidNamespaces.SAME, PidNamespaces.innermost(new ProcStatus(List.of("NSpid:\t20312"))));
        assertEquals(PidNamespaces.SAME, PidNamespaces.innermost(ProcStatus.EMPTY), "a kernel without NSpid");
        assertEquals(PidNamespaces.SAME, PidNamespaces.innermost(null), "gone");
    }

    @Test
    void aThreadOfAProcessOfOurOwnNamespaceReadsNoStatus() {
        PidNamespaces namespaces = new PidNamespaces();
        int self = (int) ProcessHandle.current().pid();
        assertEquals(List.of(), namespaces.localIds(self, self, true));
        // A tid that does not exist: were its status read, that would say nothing either; the cached
        // answer for the process decides without a read.
        assertEquals(List.of(), namespaces.localIds(Integer.MAX_VALUE, self, false));
    }

    @Test
    void aProcessIsForgottenWhenItsLeaderEnds() {
        PidNamespaces namespaces = new PidNamespaces();
        int self = (int) ProcessHandle.current().pid();
        namespaces.localIds(self, self, true);
        assertEquals(1, namespaces.processesKnown());
        namespaces.gone(Integer.MAX_VALUE); // a thread that was no process's leader
        assertEquals(1, namespaces.processesKnown());
        namespaces.gone(self);
        assertEquals(0, namespaces.processesKnown(), "memory stays flat however many processes come and go");
    }
}
