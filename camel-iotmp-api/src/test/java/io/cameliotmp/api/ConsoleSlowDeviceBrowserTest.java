package io.cameliotmp.api;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.cameliotmp.test.HeadlessChromium;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in a real headless browser ({@link HeadlessChromium}) against devices that choose when they answer and
 * how fast they write: an answer that comes late, or output the page cannot draw as fast as it comes, must neither
 * mislead the user nor pile up in the page.
 */
class ConsoleSlowDeviceBrowserTest extends ApiTestSupport {

    private HeadlessChromium chromium;
    private ChromeDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void startChromium() throws IOException {
        chromium = HeadlessChromium.start(1200, 1400);
        browser = chromium.driver();
        wait = new WebDriverWait(browser, WAIT);
        wait.ignoring(StaleElementReferenceException.class);
        // before the page's own scripts: its uncaught errors; and, once window.hold is set, the resource list of
        // dev-1 held until released, as a device that takes its time to answer would (window.settled: the page has
        // had the answer)
        browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
                window.errors = []; window.hold = false; window.release = null; window.settled = false;
                window.addEventListener('error', e => window.errors.push(String(e.message)));
                const realFetch = window.fetch.bind(window);
                window.fetch = (url, options) => {
                    if (!window.hold || !String(url).endsWith('/devices/dev-1/resources')) {
                        return realFetch(url, options);
                    }
                    return new Promise(resolve => { window.release = () => resolve(realFetch(url, options)
                        .then(response => {
                            const json = response.json.bind(response);
                            response.json = () => json().finally(() => setTimeout(() => window.settled = true));
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
