import Autograd
import NN
import Foundation

func time(_ n: Int, _ body: () -> Void) -> Double {
    for _ in 0..<5 { body() }
    let t0 = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<n { body() }
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / Double(n) / 1e6
}
BLAS.setThreadCount(1)
var g = RandomGenerator(seed: 0)
do {
    let m = MLP(inputs: 10, width: 128, depth: 10, outputs: 1, activation: .sigmoid)
    Initializer.torchDefault.apply(to: m, generator: &g)
    let x = Tensor.randomNormal([100, 10], generator: &g), y = Tensor.randomNormal([100, 1], generator: &g)
    let opt = SGD(parameters: m.parameters, learningRate: 0.01)
    let ms = time(500) { opt.zeroGrad(); let l = mseLoss(m(x), y); l.backward(); opt.step() }
    print("a", ms)
}
do {
    let m = MLP(inputs: 1024, width: 1024, depth: 4, outputs: 10, activation: .relu)
    Initializer.torchDefault.apply(to: m, generator: &g)
    let x = Tensor.randomNormal([256, 1024], generator: &g), y = Tensor.randomNormal([256, 10], generator: &g)
    let opt = SGD(parameters: m.parameters, learningRate: 0.01)
    let ms = time(20) { opt.zeroGrad(); let l = mseLoss(m(x), y); l.backward(); opt.step() }
    let flops = 6.0 * 256 * Double(1024*1024*4 + 1024*10)
    let a = Tensor.randomNormal([1024, 1024], generator: &g)
    let gm = time(10) { _ = withoutGradients { a.matmul(a) } }
    print("d", ms, "GF", flops / ms / 1e6, "sgemm GF", 2e9*1.073741824/gm/1e6*1)
}
