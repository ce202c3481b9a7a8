package io.cameliotmp.server;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A data source whose databases abort the first commits as a database aborts a transaction it cannot serialize or
 * picked as a deadlock's victim (SQL state 40001): the test decides how many, rather than waiting for a real one.
 */
final class AbortingDataSource {

    private AbortingDataSource() {
    }

    /** {@code dataSource}, whose next {@code aborts} commits roll back and fail with SQL state 40001. */
    static DataSource aborting(DataSource dataSource, AtomicInteger aborts) {
        return aborting(dataSource, aborts, false);
    }

    /**
     * The same; with {@code brokenRollbacks}, each rollback also fails (08006) after it rolled back, as on a
     * connection that broke: the database ended the transaction, the client never heard it.
     */
    static DataSource aborting(DataSource dataSource, AtomicInteger aborts, boolean brokenRollbacks) {
        return (DataSource) Proxy.newProxyInstance(AbortingDataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result = invoke(dataSource, method, args);
                    return result instanceof Connection c ? connection(c, aborts, brokenRollbacks) : result;
                });
    }

    private static Connection connection(Connection connection, AtomicInteger aborts, boolean brokenRollbacks) {
        return (Connection) Proxy.newProxyInstance(AbortingDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if ("commit".equals(method.getName()) && aborts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        connection.rollback();
                        throw new SQLException("could not serialize access due to concurrent update", "40001");
                    }
                    if ("rollback".equals(method.getName()) && brokenRollbacks) {
                        connection.rollback();
                        throw new SQLException("An I/O error occurred while sending to the backend", "08006");
                    }
                    return invoke(connection, method, args);
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
