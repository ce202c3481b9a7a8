package io.cameliotmp.server;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * A data source whose writes of chosen property rows wait at a gate the test holds: a slow statement of the database,
 * made by the test rather than by the machine's speed. A statement that inserts or updates a row of the property
 * table whose property name {@code slow} accepts calls {@link Gate#pass} before it runs.
 */
final class GatedDataSource {

    /** Where a slow statement waits; the test decides when it goes on. */
    interface Gate {
        void pass() throws InterruptedException;
    }

    private GatedDataSource() {
    }

    /** {@code dataSource}, its writes of the property rows of {@code table} named as {@code slow} accepts gated. */
    static DataSource gated(DataSource dataSource, String table, Predicate<String> slow, Gate gate) {
        return proxy(DataSource.class, (proxy, method, args) -> {
            Object result = invoke(dataSource, method, args);
            return result instanceof Connection c ? connection(c, table, slow, gate) : result;
        });
    }

    private static Connection connection(Connection connection, String table, Predicate<String> slow, Gate gate) {
        return proxy(Connection.class, (proxy, method, args) -> {
            Object result = invoke(connection, method, args);
            if (result instanceof PreparedStatement statement && "prepareStatement".equals(method.getName())) {
                // the store quotes its tables' names, in ANSI quotes or MySQL's backticks
                String sql = ((String) args[0]).replace("\"", "").replace("`", "");
                boolean writesProperty = sql.regionMatches(true, 0, "INSERT INTO " + table + " (", 0,
                        table.length() + 14) || sql.regionMatches(true, 0, "UPDATE " + table + " SET pson", 0,
                        table.length() + 16);
                return writesProperty ? statement(statement, sql.startsWith("INSERT") ? 3 : 5, slow, gate) : result;
            }
            return result;
        });
    }

    /** A statement whose parameter {@code propertyIndex} is the property name. */
    private static PreparedStatement statement(PreparedStatement statement, int propertyIndex,
                                               Predicate<String> slow, Gate gate) {
        Map<Integer, Object> parameters = new HashMap<>();
        return proxy(PreparedStatement.class, (proxy, method, args) -> {
            if ("setString".equals(method.getName())) {
                parameters.put((Integer) args[0], args[1]);
            }
            if ("executeUpdate".equals(method.getName()) && slow.test((String) parameters.get(propertyIndex))) {
                gate.pass();
            }
            return invoke(statement, method, args);
        });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return (T) Proxy.newProxyInstance(GatedDataSource.class.getClassLoader(), new Class<?>[] {type}, handler);
    }
}
