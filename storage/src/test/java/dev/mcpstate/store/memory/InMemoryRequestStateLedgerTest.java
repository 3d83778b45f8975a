package dev.mcpstate.store.memory;

import dev.mcpstate.store.RequestStateLedger;
import dev.mcpstate.store.RequestStateLedgerContract;
import dev.mcpstate.store.StorageConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryRequestStateLedgerTest extends RequestStateLedgerContract {

    @Override
    protected StorageConfig config() {
        return StorageConfig.inMemory();
    }

    /** The in-memory backend's instances share nothing: the shared-instance checks run on the one instance. */
    @Override
    protected RequestStateLedger anotherInstance() {
        return ledger;
    }

    @Test
    void expiredUsesAreSweptByALaterClaim() {
        InMemoryRequestStateLedger store = (InMemoryRequestStateLedger) ledger;
        ledger.claim("a", clock.instant().plusSeconds(1));
        clock.advance(Duration.ofMinutes(2));

        ledger.claim("b", clock.instant().plusSeconds(1));

        assertThat(store.size()).as("a swept, b kept").isEqualTo(1);
    }
}
