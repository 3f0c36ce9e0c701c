package io.chorus.dm.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

/** Points dm-service's users client at a {@link FakeUserService}; tests get it with {@link InjectUsers}. */
public class FakeUserServiceResource implements QuarkusTestResourceLifecycleManager {

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface InjectUsers {
    }

    private FakeUserService users;

    @Override
    public Map<String, String> start() {
        users = new FakeUserService();
        return Map.of("quarkus.rest-client.users.url", users.url());
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(users,
                new TestInjector.AnnotatedAndMatchesType(InjectUsers.class, FakeUserService.class));
    }

    @Override
    public void stop() {
        if (users != null) {
            users.close();
        }
    }
}
