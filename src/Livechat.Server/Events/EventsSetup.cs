namespace Livechat.Server.Events;

public static class EventsSetup
{
    /// <summary>
    /// The change feed, the interceptor that produces its events, the cross-process relay (PostgreSQL), and the
    /// housekeeping that trims old events and expired idempotency keys.
    /// </summary>
    public static IServiceCollection AddChangeEvents(this IServiceCollection services)
    {
        services.AddSingleton<ChangeFeed>();
        services.AddSingleton<IChangeFeed>(sp => sp.GetRequiredService<ChangeFeed>());
        services.AddSingleton<ChangeInterceptor>();
        services.AddHostedService<PostgresChangeRelay>();
        services.AddHostedService<Data.Housekeeping>();
        return services;
    }
}
