package io.chorus.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * One person's browser tab on the Chorus web page: Debian's headless chromium driven through its
 * own chromedriver, so nothing is downloaded (Selenium Manager stays out of it).
 */
final class WebPage implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(30);

    private final ChromeDriver driver;
    private final ChromeDriverService service;
    private final Path profile;
    private final Path screenshots;
    private final String url;
    final String name;

    WebPage(String url, String name, Path screenshots) {
        this.url = url;
        this.name = name;
        this.screenshots = screenshots;
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        try {
            profile = Files.createTempDirectory("chorus-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // Containers: no sandbox, no GPU, a /dev/shm too small for Chrome; and no calls home.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--window-size=1200,800", "--user-data-dir=" + profile);
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    static boolean browserInstalled() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    WebPage open() {
        driver.get(url + "/");
        waitFor(() -> driver.findElement(By.id("auth-name")).isDisplayed()
                || driver.findElement(By.id("signed-in")).isDisplayed());
        return this;
    }

    void register(String password) {
        signIn(password, "register");
    }

    void signIn(String password) {
        signIn(password, "sign-in");
    }

    private void signIn(String password, String button) {
        driver.findElement(By.id("auth-name")).sendKeys(name);
        driver.findElement(By.id("auth-password")).sendKeys(password);
        driver.findElement(By.id(button)).click();
        waitFor(() -> name.equals(driver.findElement(By.id("me")).getText()));
        awaitLive();
    }

    void createGroup(String group) {
        driver.findElement(By.id("create-group-name")).sendKeys(group, Keys.ENTER);
        awaitTitle("# " + group);
    }

    void joinGroup(String group) {
        driver.findElement(By.id("join-group-name")).sendKeys(group, Keys.ENTER);
        awaitTitle("# " + group);
    }

    void openDirect(String peer) {
        driver.findElement(By.id("open-dm-name")).sendKeys(peer, Keys.ENTER);
        awaitTitle(peer);
    }

    /** Types the message and presses Enter, as people do. */
    void send(String text) {
        WebElement box = driver.findElement(By.id("composer-text"));
        box.sendKeys(text);
        box.sendKeys(Keys.ENTER);
    }

    /** Clicks the button with this accessible name (aria-label). */
    void clickLabelled(String label) {
        waitFor(() -> !driver.findElements(By.cssSelector("button[aria-label='" + label + "']")).isEmpty());
        driver.findElement(By.cssSelector("button[aria-label='" + label + "']")).click();
    }

    /** Types into the element with this id, without pressing Enter. */
    void type(String id, CharSequence... keys) {
        driver.findElement(By.id(id)).sendKeys(keys);
    }

    /** Types into the field with this accessible name and presses Enter. */
    void typeInLabelled(String label, String text) {
        waitFor(() -> !driver.findElements(By.cssSelector("[aria-label='" + label + "']")).isEmpty());
        WebElement field = driver.findElement(By.cssSelector("[aria-label='" + label + "']"));
        field.clear();
        field.sendKeys(text, Keys.ENTER);
    }

    String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    /** The session's access token, as the page keeps it. */
    String token() {
        return script("return sessionStorage.getItem('chorus.token')");
    }

    /** What the search found, top to bottom. */
    List<String> searchResults() {
        return script("return Array.from(document.querySelectorAll('#search-list li .text'), e => e.textContent)");
    }

    void reload() {
        driver.navigate().refresh();
        waitFor(() -> name.equals(driver.findElement(By.id("me")).getText()));
    }

    void click(String id) {
        driver.findElement(By.id(id)).click();
    }

    /** Clicks the conversation in the sidebar whose label starts with the given text. */
    void openFromSidebar(String label) {
        waitFor(() -> !sidebarEntries().isEmpty() && sidebarEntries().stream().anyMatch(e -> e.startsWith(label)));
        driver.findElements(By.cssSelector("button.conversation-link")).stream()
                .filter(b -> b.getText().startsWith(label)).findFirst().orElseThrow().click();
    }

    List<String> sidebarEntries() {
        return script("return Array.from(document.querySelectorAll('button.conversation-link'), b => b.textContent)");
    }

    /** The stored messages on screen, top to bottom (sends still in flight are left out). */
    List<String> texts() {
        return script("return Array.from(document.querySelectorAll('#message-list li:not(.pending) .text'), e => e.textContent)");
    }

    List<Long> ids() {
        List<String> ids = script("return Array.from(document.querySelectorAll('#message-list li[data-id]'), e => e.dataset.id)");
        return ids.stream().map(Long::valueOf).toList();
    }

    boolean pendingSends() {
        return !driver.findElements(By.cssSelector("#message-list li.pending")).isEmpty();
    }

    String connection() {
        return driver.findElement(By.id("connection")).getText();
    }

    void awaitTexts(List<String> expected, Duration atMost) {
        await(name + "'s page shows " + expected).atMost(atMost).pollInSameThread()
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertEquals(expected, texts()));
    }

    void awaitLive() {
        waitFor(() -> "Live".equals(connection()));
    }

    private void awaitTitle(String title) {
        waitFor(() -> title.equals(driver.findElement(By.id("conversation-title")).getText()));
    }

    WebElement element(String cssSelector) {
        return driver.findElement(By.cssSelector(cssSelector));
    }

    List<WebElement> elements(String cssSelector) {
        return driver.findElements(By.cssSelector(cssSelector));
    }

    String activeElementId() {
        return driver.switchTo().activeElement().getAttribute("id");
    }

    void screenshot(String file) {
        try {
            Files.createDirectories(screenshots);
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), screenshots.resolve(file + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void waitFor(java.util.concurrent.Callable<Boolean> condition) {
        await(name + "'s page").atMost(WAIT).pollInSameThread().pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(condition);
    }

    @SuppressWarnings("unchecked")
    private <T> T script(String script) {
        return (T) ((JavascriptExecutor) driver).executeScript(script);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException ignored) {
                // A temp directory left behind is harmless.
            }
        }
    }
}
