package io.cameliotmp.api;

import java.io.IOException;
import java.nio.file.Path;

import io.cameliotmp.device.ResourceKind;
import io.cameliotmp.test.HeadlessChromium;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console at {@code /console/} in a real headless browser ({@link HeadlessChromium}): signing in with a token,
 * a device listed, and a terminal session (xterm.js over the session WebSocket) with a device whose
 * {@code $terminal} echoes what is typed. The final state is
 * saved to {@code target/screenshots/console-terminal.png}.
 */
class ConsoleBrowserTest extends ApiTestSupport {

    static final Path SCREENSHOT = Path.of("target", "screenshots", "console-terminal.png");
    private static final String HOSTILE = "<img src=x onerror=window.ran=1>";
    private static final String HOSTILE_VALUE = "<img src=x onerror=window.ran=2><script>window.ran=3</script>";

    /** What the device's {@code config} resource was sent. */
    private final java.util.concurrent.BlockingQueue<Object> configured =
            new java.util.concurrent.LinkedBlockingQueue<>();
    private HeadlessChromium chromium;
    private ChromeDriver browser;

    @BeforeEach
    void startChromiumAndDevice() throws Exception {
        connect("demo", "dev-2", "secret-2", device -> device.resource("config")
                .input(configured::add, () -> java.util.Map.of("rate", 5, "enabled", true))
                // a hostile device's resource: markup in its name and its value, which the console shows as text
                .resource(HOSTILE).handler(ResourceKind.OUTPUT, request -> HOSTILE_VALUE)
                .resource("$terminal/:session")
                .handler(ResourceKind.INPUT_OUTPUT, request -> {
                    if (!request.describeMode() && request.input() instanceof byte[] typed) {
                        // a shell's echo: what is typed comes back, a carriage return as a new line
                        String echoed = new String(typed, java.nio.charset.StandardCharsets.UTF_8)
                                .replace("\r", "\r\n");
                        request.device().stream(request.path(),
                                echoed.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    }
                    return null;
                }));
        chromium = HeadlessChromium.start(390, 1200);
        browser = chromium.driver();
        // before any of the page's own scripts, on every page: what its policy blocks, and whether markup ever ran
        browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", java.util.Map.of("source",
                "window.blocked = []; document.addEventListener('securitypolicyviolation', e => window.blocked.push("
                + "e.effectiveDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));"));
    }

    /** What the page's policy blocked so far, as the browser reported it. */
    private java.util.List<?> blocked() {
        return (java.util.List<?>) browser.executeScript("return window.blocked;");
    }

    @AfterEach
    void stopChromium() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
    }

    private String describe(String id) {
        WebElement element = browser.findElement(By.id(id));
        return element.getText() + " sent=" + element.getDomAttribute("data-sent") + " received="
               + element.getDomAttribute("data-received") + " rows="
               + browser.findElement(By.cssSelector("#terminal .xterm-rows")).getDomProperty("innerHTML");
    }

    /** Opens the console, signs in with the token of every right and picks dev-2. */
    private WebDriverWait signInAndPickTheDevice() {
        return ConsolePage.signInAndPick(browser, uri("/console/"), ALL, "dev-2", WAIT);
    }

    /** At a phone's width (390 px): sign in, pick the device, open its terminal, type, see the echo. */
    @Test
    void aFormFromTheDescriptionAndATerminalSessionThatEchoesWhatIsTyped() throws Exception {
        WebDriverWait wait = signInAndPickTheDevice();
        // the form derived from config's description: a number field and a checkbox, sent as an object
        WebElement rate = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#resources tr[data-resource='config'] .fields input[name='rate']")));
        assertThat(rate.getDomProperty("value")).isEqualTo("5");
        rate.clear();
        rate.sendKeys("7");
        browser.findElement(By.cssSelector("#resources tr[data-resource='config'] .fields input[name='enabled']"))
                .click();
        browser.findElement(By.cssSelector("#resources tr[data-resource='config'] button[data-action='send']"))
                .click();
        Object sent = configured.poll(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        assertThat(sent).isInstanceOfSatisfying(java.util.Map.class, config -> {
            assertThat(((Number) config.get("rate")).intValue()).isEqualTo(7);
            assertThat(config.get("enabled")).isEqualTo(false);
        });

        WebElement open = wait.until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("#resources tr[data-resource='$terminal/:session'] button[data-action='terminal']")));
        open.click();
        wait.withMessage("the session open").until(
                ExpectedConditions.attributeToBe(By.id("terminal-status"), "data-state", "open"));

        browser.findElement(By.cssSelector("#terminal .xterm-helper-textarea")).sendKeys("echo hello\n");

        wait.withMessage(() -> "the device's echo in the terminal; status " + describe("terminal-status"))
                .until(driver -> driver
                .findElement(By.cssSelector("#terminal .xterm-rows")).getText().contains("echo hello"));
        assertThat(browser.findElement(By.cssSelector("#terminal .xterm-rows")).getText()).contains("echo hello");

        chromium.screenshot(SCREENSHOT);
        assertThat(blocked()).as("the console's own work breaks none of its policy").isEmpty();
    }

    /**
     * A device's markup is shown as text and never runs; and the page's policy is in force, so that markup which
     * ever reached the page by another way could not run a script either.
     */
    @Test
    void aDevicesMarkupIsTextAndThePolicyBlocksInlineScript() {
        WebDriverWait wait = signInAndPickTheDevice();
        WebElement read = wait.until(driver -> (WebElement) browser.executeScript("return document.querySelector("
                + "'#resources tr[data-resource=\"' + CSS.escape(arguments[0]) + '\"] button[data-action=read]');",
                HOSTILE));
        assertThat(browser.findElement(By.id("resources")).getText()).contains(HOSTILE);
        read.click();
        wait.withMessage("the value shown").until(driver -> driver.findElement(By.id("resource-result")).getText()
                .contains("<script>window.ran=3</script>"));
        assertThat(browser.executeScript("return document.querySelectorAll('#resources img, #resource-result img,"
                + " #resource-result script').length")).isEqualTo(0L);

        // markup put into the page as a flaw of the console would: its inline handler is blocked, not run
        browser.executeScript("document.body.insertAdjacentHTML('beforeend',"
                + " '<img id=probe src=\"data:,x\" onerror=\"window.ran=4\">');");
        wait.withMessage("the probe's handler blocked or run").until(driver -> !blocked().isEmpty()
                || browser.executeScript("return window.ran;") != null);
        assertThat(browser.executeScript("return window.ran;")).as("no device markup ran").isNull();
        assertThat(blocked()).as("only the probe's handler blocked").singleElement().asString()
                .startsWith("script-src-attr inline");
    }
}
