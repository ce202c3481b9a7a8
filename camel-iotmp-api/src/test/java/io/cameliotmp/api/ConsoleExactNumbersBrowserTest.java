package io.cameliotmp.api;

import java.io.IOException;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

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
 * Whole numbers beyond 2^53, which PSON and the API's JSON carry exactly but a JavaScript number does not, in the
 * console of a real headless browser: shown as the device gave them, and sent back to it as they were (a description's
 * sample) or as they were typed. Parsed as numbers they were rounded, 18446744073709551615 to 18446744073709552000.
 */
class ConsoleExactNumbersBrowserTest extends ApiTestSupport {

    private static final BigInteger LARGEST = new BigInteger("18446744073709551615");
    /** 2^53 + 1, the first whole number a JavaScript number rounds. */
    private static final long ROUNDED = 9007199254740993L;

    private final BlockingQueue<Object> limits = new LinkedBlockingQueue<>();
    private final BlockingQueue<Object> rates = new LinkedBlockingQueue<>();
    private HeadlessChromium chromium;
    private ChromeDriver browser;

    @BeforeEach
    void startChromiumAndDevice() throws Exception {
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("max", ROUNDED);
        sample.put("enabled", true);
        connect("demo", "dev-2", "secret-2", device -> device
                .resource("counter").output(() -> java.util.List.of(LARGEST, ROUNDED, -ROUNDED, 1.5))
                .resource("limits").input(limits::add, () -> sample)
                .resource("rate").input(rates::add, () -> Map.of("rate", 5)));
        chromium = HeadlessChromium.start(1200, 900);
        browser = chromium.driver();
    }

    @AfterEach
    void stopChromium() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
    }

    /** Opens the console, signs in with the token of every right and picks dev-2. */
    private WebDriverWait signInAndPickTheDevice() {
        return ConsolePage.signInAndPick(browser, uri("/console/"), ALL, "dev-2", WAIT);
    }

    private WebElement inRow(WebDriverWait wait, String resource, String css) {
        return wait.until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("#resources tr[data-resource='" + resource + "'] " + css)));
    }

    @Test
    void aValueIsShownAsTheDeviceGaveIt() {
        WebDriverWait wait = signInAndPickTheDevice();
        inRow(wait, "counter", "button[data-action='read']").click();
        wait.withMessage("the value shown").until(driver -> driver.findElement(By.id("resource-result")).getText()
                .startsWith("counter →"));
        assertThat(browser.findElement(By.id("resource-result")).getText())
                .isEqualTo("counter → [18446744073709551615,9007199254740993,-9007199254740993,1.5]");
    }

    @Test
    void aDescribedSampleAndATypedNumberReachTheDeviceUnrounded() throws Exception {
        WebDriverWait wait = signInAndPickTheDevice();
        // the sample, shown as JSON text since it holds no JavaScript number, sent back untouched
        wait.withMessage("the sample filled in").until(driver -> inRow(wait, "limits", "input.input")
                .getDomProperty("value").contains("max"));
        assertThat(inRow(wait, "limits", "input.input").getDomProperty("value"))
                .isEqualTo("{\"max\":9007199254740993,\"enabled\":true}");
        inRow(wait, "limits", "button[data-action='send']").click();
        Object sent = limits.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(sent).isEqualTo(Map.of("max", ROUNDED, "enabled", true));

        // a number typed into a form's number field
        WebElement rate = inRow(wait, "rate", ".fields input[name='rate']");
        rate.clear();
        rate.sendKeys("9007199254740993");
        inRow(wait, "rate", "button[data-action='send']").click();
        assertThat(rates.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(Map.of("rate", ROUNDED));
    }
}
