using k8s;
using k8s.Models;

namespace GrpcServer.Deployment.Tests;

/// <summary>
/// deploy/kubernetes, read with the Kubernetes API types of the official C# client in strict mode (an unknown or
/// misspelt field, or a value of the wrong type, fails: what a schema validator would catch), and the choices that
/// make a rolling update lose no call checked against the image and the server's defaults.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string s_directory = Repository.PathOf("deploy", "kubernetes");
    private static readonly IReadOnlyList<object> s_objects = Directory.GetFiles(s_directory, "*.yaml").Order(StringComparer.Ordinal)
        .SelectMany(file => KubernetesYaml.LoadAllFromString(File.ReadAllText(file), strict: true)).ToList();

    private static V1Deployment Deployment => Assert.Single(s_objects.OfType<V1Deployment>());

    private static V1Container Container => Assert.Single(Deployment.Spec.Template.Spec.Containers);

    private static V1Service Service(string name) => Assert.Single(s_objects.OfType<V1Service>(), s => s.Metadata.Name == name);

    [Fact]
    public void Manifests_are_one_Deployment_and_two_Services_with_no_unknown_field()
    {
        Assert.Equal(3, s_objects.Count);
        Assert.Equal(["greeter", "greeter", "greeter-headless"], s_objects.Cast<IKubernetesObject<V1ObjectMeta>>().Select(o => o.Metadata.Name).Order(StringComparer.Ordinal));
        Assert.All(s_objects.Cast<IKubernetesObject<V1ObjectMeta>>(), o => Assert.False(string.IsNullOrEmpty(o.ApiVersion)));
        Assert.False(string.IsNullOrEmpty(Container.Name));
        Assert.False(string.IsNullOrEmpty(Container.Image));
    }

    [Fact]
    public void Strict_reading_rejects_a_misspelt_field()
    {
        // The check above is only worth something if a typo fails it.
        var text = File.ReadAllText(Path.Combine(s_directory, "deployment.yaml")).Replace("terminationGracePeriodSeconds", "terminationGracePeriodSecond", StringComparison.Ordinal);

        Assert.NotEmpty(KubernetesYaml.LoadAllFromString(text, strict: false));
        Assert.ThrowsAny<Exception>(() => KubernetesYaml.LoadAllFromString(text, strict: true));
    }

    [Fact]
    public void Deployment_runs_three_replicas_probed_through_the_gRPC_health_service_on_the_serving_port()
    {
        var port = Assert.Single(Container.Ports);
        var probes = new[] { Container.StartupProbe, Container.ReadinessProbe, Container.LivenessProbe };

        Assert.Equal(3, Deployment.Spec.Replicas);
        Assert.Equal(0, int.Parse(Deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("grpc", port.Name);
        Assert.All(probes, probe =>
        {
            // The kubelet's native gRPC probe, on the port the app serves, for the whole server (service "").
            Assert.NotNull(probe.Grpc);
            Assert.Equal(port.ContainerPort, probe.Grpc.Port);
            Assert.True(string.IsNullOrEmpty(probe.Grpc.Service));
            Assert.Null(probe.Exec);
        });

        // The app listens where the probes and Services look: the port comes from ASPNETCORE_HTTP_PORTS, as in the image.
        var httpPorts = Assert.Single(Container.Env, e => e.Name == "ASPNETCORE_HTTP_PORTS").Value;
        Assert.Equal(port.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture), httpPorts);
        Assert.Equal($"ASPNETCORE_HTTP_PORTS={httpPorts}", Assert.Single(DockerfileInstructions(), i => i.Keyword == "ENV").Arguments);
    }

    [Fact]
    public void PreStop_is_the_kubelet_sleep_action_because_the_image_has_no_shell()
    {
        var preStop = Container.Lifecycle.PreStop;

        Assert.NotNull(preStop.Sleep);
        Assert.Null(preStop.Exec);
        Assert.InRange(preStop.Sleep.Seconds, 1, 30);
    }

    [Fact]
    public void Grace_period_outlasts_preStop_and_the_server_shutdown()
    {
        // The server's own defaults, from the runtime the image is built from: the kubelet must not SIGKILL a replica
        // while its in-flight calls still have ShutdownTimeout to run.
        var defaults = new RpcServerOptions();
        var needed = Container.Lifecycle.PreStop.Sleep.Seconds + (defaults.DrainDelay + defaults.ShutdownTimeout).TotalSeconds;

        Assert.True(Deployment.Spec.Template.Spec.TerminationGracePeriodSeconds > needed,
            $"terminationGracePeriodSeconds {Deployment.Spec.Template.Spec.TerminationGracePeriodSeconds} is not above preStop + DrainDelay + ShutdownTimeout = {needed} s");
    }

    [Fact]
    public void Services_select_the_Deployment_pods_on_the_grpc_port_and_the_headless_one_has_no_cluster_IP()
    {
        var podLabels = Deployment.Spec.Template.Metadata.Labels;
        Assert.All(Deployment.Spec.Selector.MatchLabels, label => Assert.Equal(label.Value, podLabels[label.Key]));

        foreach (var service in new[] { Service("greeter"), Service("greeter-headless") })
        {
            Assert.NotEmpty(service.Spec.Selector);
            Assert.All(service.Spec.Selector, label => Assert.Equal(label.Value, podLabels.TryGetValue(label.Key, out var value) ? value : null));
            var port = Assert.Single(service.Spec.Ports);
            Assert.Equal("grpc", port.TargetPort.Value);
            Assert.Equal("kubernetes.io/h2c", port.AppProtocol);
        }

        Assert.Equal("None", Service("greeter-headless").Spec.ClusterIP);
        Assert.False(Service("greeter-headless").Spec.PublishNotReadyAddresses ?? false);
        Assert.Null(Service("greeter").Spec.ClusterIP);
    }

    [Fact]
    public void Pod_runs_as_the_image_non_root_user_with_nothing_to_escalate()
    {
        var pod = Deployment.Spec.Template.Spec.SecurityContext;
        var user = Assert.Single(DockerfileInstructions(), i => i.Stage == "final" && i.Keyword == "USER").Arguments;

        Assert.True(pod.RunAsNonRoot);
        Assert.Equal(long.Parse(user, System.Globalization.CultureInfo.InvariantCulture), pod.RunAsUser);
        Assert.False(Container.SecurityContext.AllowPrivilegeEscalation);
        Assert.True(Container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal(["ALL"], Container.SecurityContext.Capabilities.Drop);
    }

    private static IReadOnlyList<DockerInstruction> DockerfileInstructions() =>
        Dockerfile.Parse(File.ReadAllText(Repository.PathOf("samples", "Greeter", "Dockerfile")));
}
