package org.berth.builder.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.List;

/**
 * {@code berth.sources.*}: which git hosts may be fetched, and how much.
 *
 * @param allowHosts hosts or IPs allowed although internal, e.g. {@code 127.0.0.1}
 * @param denyHosts hosts always refused
 * @param maxRepoBytes largest fetched repository
 * @param fetchTimeout longest ref resolution or fetch
 * @param submodules whether submodules are fetched
 * @param cacheDir where the repositories' mirrors are kept; empty means {@code
 *     ${java.io.tmpdir}/berth-git-mirrors}
 * @param cacheMaxBytes total size of the mirrors above which the least recently used are deleted
 */
@ConfigurationProperties("berth.sources")
public record SourcesProperties(
    @Nullable List<String> allowHosts,
    @Nullable List<String> denyHosts,
    @Bindable(defaultValue = "524288000") long maxRepoBytes,
    @Bindable(defaultValue = "2m") Duration fetchTimeout,
    @Bindable(defaultValue = "false") boolean submodules,
    @Nullable String cacheDir,
    @Bindable(defaultValue = "2147483648") long cacheMaxBytes) {}
