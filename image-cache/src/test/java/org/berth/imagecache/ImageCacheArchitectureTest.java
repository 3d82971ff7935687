package org.berth.imagecache;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;

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

/**
 * The registry client's API stays free of third-party types (the module layering itself is checked
 * once for all modules, by the portal's {@code LayeringTest}).
 */
class ImageCacheArchitectureTest {

  private final JavaClasses classes =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("org.berth.imagecache");

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
