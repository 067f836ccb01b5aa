using LearningPlatform.Contracts.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LearningPlatform.ServiceDefaults.Events;

public static class EventBusExtensions
{
    /// <summary>Integration events over Redis Streams (needs <see cref="Redis.RedisExtensions.AddRedis"/>).</summary>
    public static IServiceCollection AddEventBus(this IServiceCollection services)
    {
        services.AddValidatedOptions<EventBusOptions>(EventBusOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IEventPublisher, RedisEventPublisher>();
        services.TryAddSingleton<OutboxRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxRelay>());
        return services;
    }

    /// <summary>
    /// Consumes <typeparamref name="TEvent"/> in this service's group with <typeparamref name="THandler"/>. Several
    /// handlers of one event share one consumer and run in registration order.
    /// </summary>
    public static IServiceCollection AddEventHandler<TEvent, THandler>(this IServiceCollection services)
        where TEvent : IIntegrationEvent
        where THandler : class, IIntegrationEventHandler<TEvent>
    {
        services.AddScoped<IIntegrationEventHandler<TEvent>, THandler>();
        services.AddHostedService<StreamConsumer<TEvent>>();
        return services;
    }
}
