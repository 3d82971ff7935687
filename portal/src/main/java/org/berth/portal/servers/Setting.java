package org.berth.portal.servers;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

/** A setting Berth made itself and keeps in {@code settings}. */
@MappedEntity("settings")
record Setting(@Id String name, String textValue) {}
