package org.berth.portal.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one rule set for Berth's module layering (docs/architecture.md): {@code portal → templates →
 * sharing → volumes → launch} and {@code sharing → builder → image-cache}. No module reaches up,
 * and no module uses another module's adapter sub-packages ({@code org.berth.<module>.<sub>}): only
 * a module's API package ({@code org.berth.<module>}) is open to the others.
 */
class LayeringTest {

  static final List<String> MODULES =
      List.of("imagecache", "builder", "launch", "volumes", "sharing", "templates", "portal");

  static final ArchRule RULES = CompositeArchRule.of(modulesPointOneWay()).and(apiPackagesOnly());

  static ArchRule modulesPointOneWay() {
    return layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("image-cache")
        .definedBy("org.berth.imagecache..")
        .layer("builder")
        .definedBy("org.berth.builder..")
        .layer("launch")
        .definedBy("org.berth.launch..")
        .layer("volumes")
        .definedBy("org.berth.volumes..")
        .layer("sharing")
        .definedBy("org.berth.sharing..")
        .layer("templates")
        .definedBy("org.berth.templates..")
        .layer("portal")
        .definedBy("org.berth.portal..")
        .whereLayer("portal")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("templates")
        .mayOnlyBeAccessedByLayers("portal")
        .whereLayer("sharing")
        .mayOnlyBeAccessedByLayers("templates", "portal")
        .whereLayer("volumes")
        .mayOnlyBeAccessedByLayers("sharing", "templates", "portal")
        .whereLayer("launch")
        .mayOnlyBeAccessedByLayers("volumes", "sharing", "templates", "portal")
        .whereLayer("builder")
        .mayOnlyBeAccessedByLayers("sharing", "templates", "portal")
        .whereLayer("image-cache")
        .mayOnlyBeAccessedByLayers("builder", "sharing", "templates", "portal")
        .allowEmptyShould(true);
  }

  static ArchRule apiPackagesOnly() {
    CompositeArchRule rules = null;
    for (String module : MODULES) {
      ArchRule rule =
          noClasses()
              .that()
              .resideOutsideOfPackage("org.berth." + module + "..")
              .should()
              .dependOnClassesThat()
              .resideInAPackage("org.berth." + module + ".*..")
              .as("no module uses the adapter sub-packages of " + module)
              .allowEmptyShould(true);
      rules = rules == null ? CompositeArchRule.of(rule) : rules.and(rule);
    }
    return rules;
  }

  @Test
  void everyModuleKeepsToTheLayering() {
    JavaClasses main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("org.berth");
    assertTrue(main.size() > 100, "Berth's classes were found: " + main.size());
    RULES.check(main);
  }

  @Test
  void theRulesFailWhenAClassReachesUp() {
    JavaClasses fixture =
        new ClassFileImporter().importPackages("org.berth.launch.archfixture", "org.berth.portal");
    AssertionError e =
        assertThrows(AssertionError.class, () -> modulesPointOneWay().check(fixture));
    assertTrue(e.getMessage().contains("ReachesUp"), e.getMessage());
  }

  @Test
  void theRulesFailWhenAModuleUsesAnotherModulesAdapter() {
    JavaClasses fixture =
        new ClassFileImporter()
            .importPackages("org.berth.sharing.archfixture", "org.berth.launch.docker");
    AssertionError e = assertThrows(AssertionError.class, () -> apiPackagesOnly().check(fixture));
    assertTrue(e.getMessage().contains("UsesAdapter"), e.getMessage());
  }
}
