package io.cameliotmp.api;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.cameliotmp.device.IotmpDevice;
import io.cameliotmp.device.ResourceKind;
import io.cameliotmp.test.HeadlessChromium;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in a real headless browser ({@link HeadlessChromium}) against devices that choose when they answer and
 * how fast they write: an answer that comes late, or output the page cannot draw as fast as it comes, must neither
 * mislead the user nor pile up in the page.
 */
class ConsoleSlowDeviceBrowserTest extends ApiTestSupport {

    /**
     * The flooding terminal's output: 9.5 MiB in all, more than the page holds unwritten (8 MiB), in batches of
     * 256 KiB, less than the server holds for a client (512 KiB).
     */
    private static final int CHUNK = 128 * 1024;
    private static final int CHUNKS_PER_BATCH = 2;
    private static final int BATCHES = 38;

    @Autowired
    private DeviceSessionSocket sessions;
    private HeadlessChromium chromium;
    private ChromeDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void startChromium() throws IOException {
        chromium = HeadlessChromium.start(1200, 1400);
        browser = chromium.driver();
        wait = new WebDriverWait(browser, WAIT);
        wait.ignoring(StaleElementReferenceException.class);
        // before the page's own scripts: its uncaught errors; once window.hold is set, the resource list of dev-1
        // held until released, as a device that takes its time to answer would (window.settled: the page has had the
        // answer); once window.holdCloses is set, the page's handlers of WebSocket closes held until released, as a
        // close the server is slow to answer would be
        browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
                window.errors = []; window.hold = false; window.release = null; window.settled = false;
                window.addEventListener('error', e => window.errors.push(String(e.message)));
                window.sockets = []; window.holdCloses = false; window.heldCloses = [];
                window.WebSocket = class extends window.WebSocket {
                    constructor(...args) { super(...args); window.sockets.push(this); }
                    set onclose(handler) {
                        super.onclose = handler && (event => window.holdCloses
                            ? window.heldCloses.push(() => handler.call(this, event)) : handler.call(this, event));
                    }
                    get onclose() { return super.onclose; }
                };
                const realFetch = window.fetch.bind(window);
                window.fetch = (url, options) => {
                    if (!window.hold || !String(url).endsWith('/devices/dev-1/resources')) {
                        return realFetch(url, options);
                    }
                    return new Promise(resolve => { window.release = () => resolve(realFetch(url, options)
                        .then(response => {
                            const text = response.text.bind(response);
                            response.text = () => text().finally(() => setTimeout(() => window.settled = true));
                            return response;
                        })); });
                };
                // a read of dev-1's "late" held until window.releaseRead() (window.readSettled: the page has had it)
                window.releaseRead = null; window.readSettled = false;
                const listFetch = window.fetch;
                window.fetch = (url, options) => {
                    if (!String(url).endsWith('/devices/dev-1/resources/late')) {
                        return listFetch(url, options);
                    }
                    return new Promise(resolve => { window.releaseRead = () => resolve(realFetch(url, options)
                        .then(response => {
                            const text = response.text.bind(response);
                            response.text = () => text().finally(() => setTimeout(() => window.readSettled = true));
                            return response;
                        })); });
                };
                // a listing of dev-1's /slow held until window.releaseListing() (window.listingSettled likewise)
                window.releaseListing = null; window.listingSettled = false;
                const readFetch = window.fetch;
                window.fetch = (url, options) => {
                    if (!String(url).endsWith('/devices/dev-1/resources/$fs/get/slow')) {
                        return readFetch(url, options);
                    }
                    return new Promise(resolve => { window.releaseListing = () => resolve(realFetch(url, options)
                        .then(response => {
                            const text = response.text.bind(response);
                            response.text = () => text().finally(() => setTimeout(() => window.listingSettled = true));
                            return response;
                        })); });
                };
                """));
    }

    @AfterEach
    void stopChromium() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
    }

    /**
     * The user picks dev-1, whose list is late, then dev-2, and types into dev-2's {@code config}: dev-1's list,
     * answered last, is not shown. Before, it replaced dev-2's table under dev-2's name, so a device that answers
     * late on purpose, listing the resources of another, was sent what the user typed for that other device.
     */
    @Test
    void aListAnsweredAfterAnotherDeviceWasPickedIsNotShown() throws Exception {
        BlockingQueue<Object> toDev1 = new LinkedBlockingQueue<>();
        BlockingQueue<Object> toDev2 = new LinkedBlockingQueue<>();
        connect("demo", "dev-1", "secret-1", d -> d.resource("config").input(toDev1::add, () -> "dev-1's")
                .resource("only-on-dev-1").output(() -> 1));
        connect("demo", "dev-2", "secret-2", d -> d.resource("config").input(toDev2::add, () -> "dev-2's"));
        browser.get(uri("/console/").toString());
        browser.findElement(By.id("token")).sendKeys(ALL);
        browser.findElement(By.id("sign-in-button")).click();
        browser.executeScript("window.hold = true;");
        pick("dev-1");
        wait.withMessage("dev-1's list asked for").until(driver -> browser.executeScript(
                "return window.release !== null;"));
        pick("dev-2");
        By config = By.cssSelector("#resources tr[data-resource='config'] input.input");
        wait.until(ExpectedConditions.visibilityOfElementLocated(config));
        // the field as described, before it is typed into (the description would overwrite it)
        wait.until(driver -> "\"dev-2's\"".equals(driver.findElement(config).getDomProperty("value")));

        browser.executeScript("window.release();");
        wait.withMessage("the late list answered").until(driver -> browser.executeScript("return window.settled;"));
        assertThat(browser.findElements(By.cssSelector("#resources tr[data-resource='only-on-dev-1']"))).isEmpty();
        assertThat(browser.findElement(By.id("selected-device")).getText()).isEqualTo("of dev-2");

        browser.findElement(config).clear();
        browser.findElement(config).sendKeys("\"for dev-2\"");
        browser.findElement(By.cssSelector("#resources tr[data-resource='config'] button[data-action='send']"))
                .click();
        assertThat(toDev2.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("for dev-2");
        assertThat(toDev1).isEmpty();
        assertThat(errors()).isEmpty();
    }

    /**
     * The user reads dev-1's {@code late}, whose answer is late, picks dev-2 and reads dev-2's {@code late}: dev-1's
     * answer, coming last, is not shown, and the result line keeps dev-2's. Before, dev-1's answer replaced it, shown
     * as the answer of the resource {@code late} of the device now shown, dev-2.
     */
    @Test
    void aReadAnsweredAfterAnotherDeviceWasPickedIsNotShown() throws Exception {
        connect("demo", "dev-1", "secret-1", d -> d.resource("late").output(() -> "from dev-1"));
        connect("demo", "dev-2", "secret-2", d -> d.resource("late").output(() -> "from dev-2"));
        browser.get(uri("/console/").toString());
        browser.findElement(By.id("token")).sendKeys(ALL);
        browser.findElement(By.id("sign-in-button")).click();
        By read = By.cssSelector("#resources tr[data-resource='late'] button[data-action='read']");
        pick("dev-1");
        wait.until(ExpectedConditions.elementToBeClickable(read)).click();
        wait.withMessage("dev-1's read asked for").until(driver -> browser.executeScript(
                "return window.releaseRead !== null;"));

        pick("dev-2");
        wait.withMessage("dev-2's resources shown").until(driver -> driver.findElement(By.id("selected-device"))
                .getText().equals("of dev-2") && !driver.findElements(read).isEmpty());
        wait.until(ExpectedConditions.elementToBeClickable(read)).click();
        By result = By.id("resource-result");
        wait.withMessage("dev-2's answer shown").until(ExpectedConditions.textToBe(result, "late → \"from dev-2\""));

        browser.executeScript("window.releaseRead();");
        wait.withMessage("dev-1's late answer had").until(driver -> browser.executeScript(
                "return window.readSettled;"));
        assertThat(browser.findElement(result).getText()).isEqualTo("late → \"from dev-2\"");
        assertThat(errors()).isEmpty();
    }

    /**
     * The user lists dev-1's {@code /slow}, whose answer is late, then {@code /fast}: the late listing, answered last,
     * is not shown over the newer one. Before, it replaced it and set the panel's path back to {@code /slow}.
     */
    @Test
    void aListingAnsweredAfterANewerOneIsNotShown() throws Exception {
        connect("demo", "dev-1", "secret-1", d -> d.resource("$fs/get/*path").handler(ResourceKind.OUTPUT,
                request -> List.of(Map.of("name", "in-" + request.path().substring(request.path().lastIndexOf('/')
                        + 1), "type", "file", "size", 1, "modified", 1))));
        browser.get(uri("/console/").toString());
        browser.findElement(By.id("token")).sendKeys(ALL);
        browser.findElement(By.id("sign-in-button")).click();
        pick("dev-1");
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(
                "#resources tr[data-resource='$fs/get/*path'] button[data-action='files']"))).click();
        By status = By.id("files-status");
        wait.withMessage("the first listing").until(ExpectedConditions.textToBe(status, "1 entries in /tmp"));

        listPath("/slow");
        wait.withMessage("/slow asked for").until(driver -> browser.executeScript(
                "return window.releaseListing !== null;"));
        listPath("/fast");
        wait.withMessage("/fast listed").until(ExpectedConditions.textToBe(status, "1 entries in /fast"));

        browser.executeScript("window.releaseListing();");
        wait.withMessage("the late listing had").until(driver -> browser.executeScript(
                "return window.listingSettled;"));
        assertThat(browser.findElement(status).getText()).isEqualTo("1 entries in /fast");
        assertThat(browser.findElement(By.id("files-path")).getDomProperty("value")).isEqualTo("/fast");
        assertThat(browser.findElement(By.cssSelector("#files tr[data-name]")).getDomAttribute("data-name"))
                .isEqualTo("in-fast");
        assertThat(errors()).isEmpty();
    }

    private void listPath(String path) {
        WebElement field = browser.findElement(By.id("files-path"));
        field.clear();
        field.sendKeys(path);
        browser.findElement(By.id("files-go")).click();
    }

    /**
     * A device writes its terminal while the page draws nothing (its timers held, as a busy page's are), never faster
     * than the page receives (so that the server's own bound on what waits for the client is not what ends it): once
     * more than 8 MiB wait to be written, the page closes the terminal and says why, and the server stops the
     * device's session. Before, the page took in all of it, and would have gone on until xterm.js threw output away
     * at 50 MB, silently, with an uncaught error for each message after.
     */
    @Test
    void aTerminalThePageCannotKeepUpWithIsClosed() throws Exception {
        byte[] chunk = "flood ".repeat(CHUNK / 6 + 1).substring(0, CHUNK)
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        AtomicReference<StreamRequest> typed = new AtomicReference<>();
        IotmpDevice device = connect("demo", "dev-1", "secret-1", d -> d.resource("$terminal/:session")
                .handler(ResourceKind.INPUT_OUTPUT, request -> {
                    if (!request.describeMode() && request.input() instanceof byte[]) {
                        typed.compareAndSet(null, new StreamRequest(request.path()));
                    }
                    return null;
                }));
        browser.get(uri("/console/").toString());
        browser.findElement(By.id("token")).sendKeys(ALL);
        browser.findElement(By.id("sign-in-button")).click();
        pick("dev-1");
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(
                "#resources tr[data-resource='$terminal/:session'] button[data-action='terminal']"))).click();
        wait.withMessage("the session open").until(
                ExpectedConditions.attributeToBe(By.id("terminal-status"), "data-state", "open"));
        // the terminal writes on timers: held from now on, it writes nothing more
        browser.executeScript("window.heldTimers = []; window.setTimeout = (f) => { window.heldTimers.push(f);"
                              + " return 0; };");
        browser.findElement(By.cssSelector("#terminal .xterm-helper-textarea")).sendKeys("a");
        Awaitility.await("a key at the device").atMost(WAIT).until(() -> typed.get() != null);

        WebElement status = browser.findElement(By.id("terminal-status"));
        WebDriverWait received = new WebDriverWait(browser, WAIT, Duration.ofMillis(20));
        long sent = 0;
        for (int batch = 0; batch < BATCHES && "open".equals(status.getDomAttribute("data-state")); batch++) {
            for (int i = 0; i < CHUNKS_PER_BATCH; i++) {
                device.stream(typed.get().path(), chunk);
            }
            sent += (long) CHUNK * CHUNKS_PER_BATCH;
            long expected = sent;
            received.withMessage(() -> "batch received; status " + status.getText()).until(driver -> !"open"
                    .equals(status.getDomAttribute("data-state"))
                    || Long.parseLong(status.getDomAttribute("data-received")) >= expected);
        }
        assertThat(status.getDomAttribute("data-state")).as(status.getText()).isEqualTo("closed");
        assertThat(status.getText()).contains("faster than the terminal shows");
        assertThat(Long.parseLong(status.getDomAttribute("data-received")))
                .isLessThan((long) CHUNK * CHUNKS_PER_BATCH * BATCHES);
        Awaitility.await("the session ended at the server").atMost(WAIT)
                .until(() -> sessions.sessionsRegistered() == 0);
        assertThat(errors()).isEmpty();
    }

    /**
     * A terminal opened again: the first socket's close, handled after the second socket opened, leaves the second
     * terminal's status alone, and the second terminal works. Before, the first socket's handler wrote "Closed." and
     * the state closed over the open terminal.
     */
    @Test
    void theCloseOfAnEarlierTerminalLeavesTheNextOneOpen() throws Exception {
        connect("demo", "dev-1", "secret-1", d -> d.resource("$terminal/:session")
                .handler(ResourceKind.INPUT_OUTPUT, request -> {
                    if (!request.describeMode() && request.input() instanceof byte[] typed) {
                        request.device().stream(request.path(), typed);
                    }
                    return null;
                }));
        browser.get(uri("/console/").toString());
        browser.findElement(By.id("token")).sendKeys(ALL);
        browser.findElement(By.id("sign-in-button")).click();
        pick("dev-1");
        By open = By.cssSelector("#resources tr[data-resource='$terminal/:session'] button[data-action='terminal']");
        By status = By.id("terminal-status");
        wait.until(ExpectedConditions.elementToBeClickable(open)).click();
        wait.withMessage("the first session open").until(ExpectedConditions.attributeToBe(status, "data-state",
                "open"));

        browser.executeScript("window.holdCloses = true;");
        browser.findElement(open).click();
        wait.withMessage("the second session open").until(ExpectedConditions.attributeToBe(status, "data-state",
                "open"));
        wait.withMessage("the first socket closed").until(driver -> browser.executeScript(
                "return window.sockets.filter(s => s.url.includes('/sessions/terminal'))[0].readyState === 3;"));
        browser.executeScript("window.holdCloses = false; window.heldCloses.forEach(f => f());");

        assertThat(browser.findElement(status).getDomAttribute("data-state")).isEqualTo("open");
        assertThat(browser.findElement(status).getText()).isEqualTo("Connected.");
        browser.findElement(By.cssSelector("#terminal .xterm-helper-textarea")).sendKeys("echoed");
        wait.withMessage("the second terminal's echo").until(driver -> driver
                .findElement(By.cssSelector("#terminal .xterm-rows")).getText().contains("echoed"));
        assertThat(errors()).isEmpty();
    }

    /** The session's resource, as the device got it. */
    private record StreamRequest(String path) {
    }

    private List<?> errors() {
        return (List<?>) browser.executeScript("return window.errors;");
    }

    /** Picks a device in the page as it is (no reload, which would end the page's requests). */
    private void pick(String device) {
        wait.withMessage(device + " listed").until(driver -> {
            driver.findElement(By.cssSelector("#devices button[data-device='" + device + "']")).click();
            return true;
        });
    }
}
