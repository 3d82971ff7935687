package org.berth.imagecache;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keeps the module arrows of docs/architecture.md true: this module never reaches up. */
class ImageCacheArchitectureTest {

  private final JavaClasses classes =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("org.berth.imagecache");

  @Test
  void doesNotDependOnModulesAboveIt() {
    noClasses()
        .that()
        .resideInAPackage("org.berth.imagecache..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.berth.builder..",
            "org.berth.volumes..",
            "org.berth.launch..",
            "org.berth.sharing..",
            "org.berth.templates..",
            "org.berth.portal..")
        .allowEmptyShould(true)
        .check(classes);
  }

  /** STYLE.md: the registry client's public API names only JDK and Berth types (no Jackson). */
  @Test
  void publicApiSignaturesNameOnlyJdkAndBerthTypes() {
    codeUnits()
        .that()
        .arePublic()
        .and()
        .areDeclaredInClassesThat()
        .arePublic()
        .and()
        .areDeclaredInClassesThat()
        .resideInAPackage("org.berth.imagecache")
        .should(
            new ArchCondition<JavaCodeUnit>("name only JDK and Berth types") {
              @Override
              public void check(JavaCodeUnit unit, ConditionEvents events) {
                List<JavaClass> types = new ArrayList<>(unit.getRawParameterTypes());
                types.add(unit.getRawReturnType());
                for (JavaClass type : types) {
                  JavaClass base = type.isArray() ? type.getBaseComponentType() : type;
                  String name = base.getName();
                  boolean ours =
                      base.isPrimitive()
                          || name.startsWith("java.")
                          || name.startsWith("org.berth.");
                  if (!ours) {
                    events.add(
                        SimpleConditionEvent.violated(
                            unit, unit.getFullName() + " exposes " + name));
                  }
                }
              }
            })
        .check(classes);
  }
}
