package org.berth.launch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.berth.launch.CredentialsRule.Decision;
import org.berth.launch.CredentialsRule.Session;
import org.junit.jupiter.api.Test;

class CredentialsRuleTest {

  @Test
  void grantsTheOwnerWhoAskedAndConfirmedWithAProviderAccount() {
    assertTrue(CredentialsRule.decide(Session.OWNER, true, true, true).granted());
  }

  @Test
  void neverGrantsAVisitorWhateverElseHolds() {
    Decision d = CredentialsRule.decide(Session.VISITOR, true, true, true);
    assertFalse(d.granted());
    assertTrue(d.reason().contains("visitor"), d.reason());
  }

  @Test
  void neverGrantsACollaboratorsSessionOnAnothersServer() {
    Decision d = CredentialsRule.decide(Session.COLLABORATOR, true, true, true);
    assertFalse(d.granted());
    assertTrue(d.reason().contains("collaborator"), d.reason());
  }

  @Test
  void refusesWhenTheLaunchDidNotAsk() {
    assertFalse(CredentialsRule.decide(Session.OWNER, false, true, true).granted());
  }

  @Test
  void refusesUntilTheOwnerConfirmed() {
    Decision d = CredentialsRule.decide(Session.OWNER, true, false, true);
    assertFalse(d.granted());
    assertTrue(d.reason().startsWith("Confirm"), d.reason());
  }

  @Test
  void refusesALocalAccountWhichHasNoTokenToHandOver() {
    Decision d = CredentialsRule.decide(Session.OWNER, true, true, false);
    assertFalse(d.granted());
    assertTrue(d.reason().contains("password"), d.reason());
  }
}
