import Foundation

/// A curve fitted to measurements taken at several sizes, and its prediction, with an interval,
/// at a size beyond them: how sizing extrapolates a load's time, its disk and its memory from
/// samples instead of assuming that every figure grows in proportion.
///
/// Two shapes:
/// - ``Shape/power``: `y = c · x^β`, fitted by least squares on logarithms. A load whose rate
///   falls as the data grows (deeper trees, more distinct pages touched per batch, caches
///   outgrown) has `β > 1`; a proportional cost has `β = 1`.
/// - ``Shape/linear``: `y = a + b · x`, fitted by least squares; bytes on disk grow so.
///
/// The interval is the regression's prediction interval (Student's t, `n - 2` degrees of
/// freedom, ``confidence``), so it widens with the scatter of the samples and with the distance
/// of the predicted size from them; the scatter is taken as at least ``minimumScatter`` of the
/// value (timings on a shared machine repeat no better), so that samples lying exactly on a
/// curve do not promise an exact prediction.
///
/// ```swift
/// // Seconds that grow as rows^1.2: the fit finds the exponent, and predicts beyond the samples.
/// let points = [1_000.0, 2_000, 4_000, 8_000].map { (x: $0, y: 0.001 * pow($0, 1.2)) }
/// let fit = try GrowthFit(.power, points: points)
/// print(String(format: "%.2f", fit.exponent))   // 1.20
/// let p = fit.predict(at: 64_000)
/// print(String(format: "%.1f", p.value), p.low < p.value, p.value < p.high)   // 585.4 true true
/// ```
public struct GrowthFit: Sendable, Equatable {
    /// The curve fitted.
    public enum Shape: String, Sendable, Equatable {
        /// `y = c · x^β`, least squares on `ln y` against `ln x`.
        case power
        /// `y = a + b · x`, least squares.
        case linear
    }

    /// A predicted value with its interval.
    public struct Prediction: Sendable, Equatable {
        /// The curve's value at the size asked.
        public var value: Double
        /// The interval's bounds (``GrowthFit/confidence`` of the value's chance to lie inside).
        public var low: Double, high: Double

        /// The interval as a share of the value: `(value - low) / value` and `(high - value) / value`.
        public var relativeError: (below: Double, above: Double) {
            value == 0 ? (0, 0) : ((value - low) / value, (high - value) / value)
        }

        /// Whether `measured` lies in the interval.
        public func contains(_ measured: Double) -> Bool { low <= measured && measured <= high }
    }

    /// Why a fit could not be made.
    public enum FitError: Error, Equatable, CustomStringConvertible {
        /// Fewer than three points, or fewer than two distinct sizes.
        case tooFewPoints(Int)
        /// A power fit of a point at or below zero (its logarithm does not exist).
        case notPositive(x: Double, y: Double)

        public var description: String {
            switch self {
            case .tooFewPoints(let n):
                return "a fit needs three samples at two or more sizes at least, not \(n): add sizes (--sample-count)"
            case .notPositive(let x, let y):
                return "a power fit needs positive sizes and values, not (\(x), \(y))"
            }
        }
    }

    /// The confidence of the intervals: 0.9.
    public static let confidence = 0.9
    /// The least scatter assumed, as a share of the value (0.03: 3 %).
    public static let minimumScatter = 0.03

    /// The shape fitted.
    public let shape: Shape
    /// `c` and `β` of a power fit; `a` and `b` of a linear one.
    public let coefficient: Double, exponent: Double
    /// The points the curve was fitted to.
    public let points: [(x: Double, y: Double)]
    // The regression's own figures, in its coordinates (logarithms for a power fit).
    private let meanX: Double, sumSquaresX: Double, scatter: Double

    public static func == (a: GrowthFit, b: GrowthFit) -> Bool {
        a.shape == b.shape && a.coefficient == b.coefficient && a.exponent == b.exponent
            && a.points.elementsEqual(b.points, by: { $0.x == $1.x && $0.y == $1.y })
    }

    /// Fits `shape` to `points` (three or more, at two sizes or more).
    public init(_ shape: Shape, points: [(x: Double, y: Double)]) throws(FitError) {
        guard points.count >= 3, Set(points.map(\.x)).count >= 2 else { throw .tooFewPoints(points.count) }
        if shape == .power, let bad = points.first(where: { $0.x <= 0 || $0.y <= 0 }) { throw .notPositive(x: bad.x, y: bad.y) }
        self.shape = shape
        self.points = points
        let u = points.map { shape == .power ? log($0.x) : $0.x }
        let v = points.map { shape == .power ? log($0.y) : $0.y }
        let n = Double(points.count)
        let mu = u.reduce(0, +) / n, mv = v.reduce(0, +) / n
        let sxx = zip(u, u).reduce(0) { $0 + ($1.0 - mu) * ($1.1 - mu) }
        let sxy = zip(u, v).reduce(0) { $0 + ($1.0 - mu) * ($1.1 - mv) }
        let slope = sxy / sxx, intercept = mv - slope * mu
        let residuals = zip(u, v).reduce(0) { $0 + pow($1.1 - (intercept + slope * $1.0), 2) }
        var s = (residuals / (n - 2)).squareRoot()
        // The floor: a share of the value (in logarithms, that share itself).
        let floor = shape == .power ? Self.minimumScatter : Self.minimumScatter * abs(mv)
        s = max(s, floor)
        meanX = mu; sumSquaresX = sxx; scatter = s
        if shape == .power { coefficient = exp(intercept); exponent = slope } else { coefficient = intercept; exponent = slope }
    }

    /// The curve at `x`, with its prediction interval.
    public func predict(at x: Double) -> Prediction {
        let u = shape == .power ? log(x) : x
        let y = shape == .power ? log(coefficient) + exponent * u : coefficient + exponent * u
        let n = Double(points.count)
        let se = scatter * (1 + 1 / n + (u - meanX) * (u - meanX) / sumSquaresX).squareRoot()
        let t = Self.studentT90(degreesOfFreedom: points.count - 2)
        if shape == .power { return Prediction(value: exp(y), low: exp(y - t * se), high: exp(y + t * se)) }
        return Prediction(value: y, low: y - t * se, high: y + t * se)
    }

    /// The 95th percentile of Student's t (a two-sided 90 % interval) for `df` degrees of freedom.
    static func studentT90(degreesOfFreedom df: Int) -> Double {
        let table: [Double] = [6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812,
                               1.796, 1.782, 1.771, 1.761, 1.753, 1.746, 1.740, 1.734, 1.729, 1.725,
                               1.721, 1.717, 1.714, 1.711, 1.708, 1.706, 1.703, 1.701, 1.699, 1.697]
        return df >= 1 && df <= table.count ? table[df - 1] : 1.645
    }
}
