package io.chorus.user.rest;

import io.chorus.user.service.Accounts;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** A directory page; {@code next} is the {@code after} value for the following page, null at the end. */
@RegisterForReflection
public record DirectoryView(List<UserView> users, String next) {

    static DirectoryView of(Accounts.DirectoryPage page) {
        return new DirectoryView(page.users().stream().map(UserView::of).toList(), page.next());
    }
}
