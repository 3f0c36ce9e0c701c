package io.chorus.common.message;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A message text as SPEC allows it ({@link MessageText}): declared on the request records of
 * posts and edits, group and direct alike, so the one problem+json mapper answers a bad text
 * with a 400 whose detail names what is wrong (too long, a control character and where).
 */
// On a record component it lands on the field, which Hibernate Validator checks once (not on the accessor too).
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ChatText.Validator.class)
public @interface ChatText {

    String message() default "must be 1 to " + MessageText.MAX_CHARACTERS + " characters without control characters";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Validator implements ConstraintValidator<ChatText, String> {

        @Override
        public boolean isValid(String text, ConstraintValidatorContext context) {
            String problem = MessageText.problem(text);
            if (problem == null) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            // The problem holds no client text (only counts and a code point's number), and the
            // template is escaped anyway: a message template interpolates {...} and ${...}.
            context.buildConstraintViolationWithTemplate(escape(problem.replaceFirst("^text ", "")))
                    .addConstraintViolation();
            return false;
        }

        private static String escape(String message) {
            return message.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}").replace("$", "\\$");
        }
    }
}
