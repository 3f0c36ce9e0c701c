package io.chorus.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

/** Points a service's bus publisher at a {@link BusSink}; tests get it with {@link InjectBusSink}. */
public class BusSinkResource implements QuarkusTestResourceLifecycleManager {

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface InjectBusSink {
    }

    private BusSink sink;

    @Override
    public Map<String, String> start() {
        sink = new BusSink();
        return Map.of("chorus.bus.endpoints", sink.endpoint());
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(sink, new TestInjector.AnnotatedAndMatchesType(InjectBusSink.class, BusSink.class));
    }

    @Override
    public void stop() {
        if (sink != null) {
            sink.close();
        }
    }
}
